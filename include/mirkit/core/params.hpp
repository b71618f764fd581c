// Declared parameters: every feature and model states its parameters once (name, type, range or
// choices, default, one-line description), and that one declaration validates a JSON config,
// fills in and records the defaults, and prints `mirkit list` (after Essentia's Configurable).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mirkit/core/json.hpp"

namespace mirkit {

enum class ParamType { integer, number, boolean, string, number_list, string_list };

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::number;
  Json default_value;         // null: optional, no value unless given
  std::string description;    // one line
  std::optional<double> min;  // inclusive bounds for numbers (each element of a list)
  std::optional<double> max;
  std::vector<std::string> choices;  // for strings (each element of a list): the allowed values
  bool nullable = false;  // null is a meaningful value ("estimate it", "none"), kept as given
};

// A rule across parameters, checked on the resolved values once each alone is valid: the
// reason they do not go together ("'n_mfcc' (40) must not exceed 'n_mels' (20)"), or nothing.
using ParamRule = std::function<std::optional<std::string>(const Json& resolved)>;

class ParamSchema {
 public:
  ParamSchema() = default;
  ParamSchema(std::initializer_list<ParamSpec> specs) : specs_(specs) {}
  explicit ParamSchema(std::vector<ParamSpec> specs) : specs_(std::move(specs)) {}

  const std::vector<ParamSpec>& specs() const { return specs_; }
  void add(ParamSpec spec) { specs_.push_back(std::move(spec)); }
  void add_rule(ParamRule rule) { rules_.push_back(std::move(rule)); }

  // Checks `given` (an object) against the declaration and returns every declared parameter
  // with its value, defaults filled in, in declaration order; then checks the rules. Keys listed in
  // `passthrough` are ignored (e.g. "name" in a feature entry). Throws a usage Error that names the
  // key and `where` (e.g. "configs/x.json: features[2] (mfcc)"), suggesting the nearest known key.
  Json resolve(const Json& given, const std::string& where,
               const std::vector<std::string>& passthrough = {}) const;

 private:
  std::vector<ParamSpec> specs_;
  std::vector<ParamRule> rules_;
};

std::string to_string(ParamType type);

// One line describing the accepted values: "integer in [1, 128]", "one of: hann, hamming".
std::string describe_range(const ParamSpec& spec);

// The known name closest to `name` by edit distance, if close enough to be a likely typo.
std::optional<std::string> closest_name(const std::string& name,
                                        const std::vector<std::string>& known);

}  // namespace mirkit
