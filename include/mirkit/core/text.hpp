// Text forms shared by the writers of CSV and similar files.
#pragma once

#include <string>

namespace mirkit {

// The shortest decimal text that reads back to the same float ("0.1", "-651.8172", "1e-10").
std::string float_text(float value);

// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);

}  // namespace mirkit
