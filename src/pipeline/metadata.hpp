// Reading the metadata document of a mirkit file (feature or model): a missing or mistyped field
// is an input Error that names the file, what kind of file it should be, and the key.
#pragma once

#include <optional>
#include <string>

#include "mirkit/core/error.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/core/json_value.hpp"

namespace mirkit::pipeline {

// "<where>: not a valid <kind>: <cause>".
inline Error invalid_file(const std::string& kind, const std::string& where,
                          const std::string& cause) {
  return Error("not a valid " + kind + ": " + cause).with_file(where);
}

template <typename T>
T metadata_field(const Json& json, const char* key, const std::string& kind,
                 const std::string& where) {
  const auto it = json.find(key);
  if (it == json.end()) {
    throw invalid_file(kind, where, std::string("metadata lacks '") + key + "'");
  }
  std::optional<T> value;
  try {
    value = json_value<T>(*it);
  } catch (const Json::exception&) {
  }
  // An integer that is not a whole number of the type's range counts as the wrong type: the
  // conversion would be undefined (found by fuzzing: docs/fuzzing.md).
  if (!value) {
    throw invalid_file(kind, where, std::string("metadata field '") + key + "' has the wrong type");
  }
  return *std::move(value);
}

}  // namespace mirkit::pipeline
