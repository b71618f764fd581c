#include "mirkit/core/text.hpp"

#include <charconv>

namespace mirkit {

std::string float_text(float value) {
  char text[32];
  const auto [end, code] = std::to_chars(text, text + sizeof(text), value);
  return code == std::errc() ? std::string(text, end) : "nan";
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text)
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace mirkit
