// Text forms shared by the writers of CSV and similar files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mirkit {

// The shortest decimal text that reads back to the same float ("0.1", "-651.8172", "1e-10").
std::string float_text(float value);

// The double whose shortest decimal is float_text(value): a JSON writer, which prints doubles,
// then writes the float's own shortest text ("0.685", not "0.6850000023841858").
double float_for_json(float value);

// The parts with `separator` between them ("a, b, c").
std::string join(const std::vector<std::string>& parts, std::string_view separator);

// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);

// `text` with every byte that is not part of valid UTF-8 written as "\xHH" (hex). File names on
// POSIX are bytes, JSON and CSV readers want UTF-8: paths and labels taken from names pass through
// this, so that a name like "caf\xE9.wav" (Latin-1) is recorded, stable and distinct, instead of
// failing the writer.
std::string escape_invalid_utf8(std::string_view text);

}  // namespace mirkit
