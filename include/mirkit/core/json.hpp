// JSON helpers shared by every layer.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mirkit {

using Json = nlohmann::ordered_json;

// One line of JSON. File names on Linux are bytes, not always UTF-8: invalid sequences are
// replaced by U+FFFD instead of throwing in the middle of a batch.
std::string to_json_line(const Json& value);

}  // namespace mirkit
