#include "mirkit/core/registry.hpp"

#include "mirkit/core/params.hpp"

namespace mirkit {

std::string unknown_name_message(std::string_view what, const std::string& name,
                                 const std::vector<std::string>& known) {
  std::string message = "unknown " + std::string(what) + " '" + name + "'";
  if (auto near = closest_name(name, known)) message += " (did you mean '" + *near + "'?)";
  message += "; known: ";
  for (std::size_t i = 0; i < known.size(); ++i)
    message += (i ? ", " : "") + known[i];
  return message;
}

}  // namespace mirkit
