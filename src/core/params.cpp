#include "mirkit/core/params.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "mirkit/core/error.hpp"
#include "mirkit/core/json_value.hpp"

namespace mirkit {
namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string format_number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

[[noreturn]] void fail(const std::string& where, const std::string& key, const std::string& what) {
  throw usage_error(where + ": '" + key + "' " + what);
}

void check_number(const ParamSpec& spec, const Json& value, const std::string& where) {
  if (!value.is_number()) fail(where, spec.name, "must be a number, got " + value.dump());
  const double v = value.get<double>();
  if (!std::isfinite(v)) fail(where, spec.name, "must be finite");
  if (spec.type == ParamType::integer && (!value.is_number_integer() && v != std::floor(v))) {
    fail(where, spec.name, "must be a whole number, got " + value.dump());
  }
  if ((spec.min && v < *spec.min) || (spec.max && v > *spec.max)) {
    fail(where, spec.name, "must be " + describe_range(spec) + ", got " + value.dump());
  }
}

void check_string(const ParamSpec& spec, const Json& value, const std::string& where) {
  if (!value.is_string()) fail(where, spec.name, "must be a string, got " + value.dump());
  if (spec.choices.empty()) return;
  const std::string v = value.get<std::string>();
  if (std::find(spec.choices.begin(), spec.choices.end(), v) == spec.choices.end()) {
    std::string message = "must be " + describe_range(spec) + ", got '" + v + "'";
    if (auto near = closest_name(v, spec.choices)) message += " (did you mean '" + *near + "'?)";
    fail(where, spec.name, message);
  }
}

Json check_value(const ParamSpec& spec, const Json& value, const std::string& where) {
  switch (spec.type) {
    case ParamType::integer: {
      check_number(spec, value, where);
      // Whole numbers past int64 (1e19, 2^63 written out) have no integer to become (converting
      // them was undefined; found by fuzzing: docs/fuzzing.md).
      const auto integer = exact_integer<std::int64_t>(value);
      if (!integer) fail(where, spec.name, "is too large, got " + value.dump());
      return *integer;
    }
    case ParamType::number:
      check_number(spec, value, where);
      return value.get<double>();
    case ParamType::boolean:
      if (!value.is_boolean()) fail(where, spec.name, "must be true or false, got " + value.dump());
      return value;
    case ParamType::string:
      check_string(spec, value, where);
      return value;
    case ParamType::number_list:
    case ParamType::string_list: {
      if (!value.is_array()) fail(where, spec.name, "must be a list, got " + value.dump());
      ParamSpec element = spec;
      element.type = spec.type == ParamType::number_list ? ParamType::number : ParamType::string;
      for (const Json& item : value)
        check_value(element, item, where);
      return value;
    }
  }
  return value;
}

}  // namespace

std::string to_string(ParamType type) {
  switch (type) {
    case ParamType::integer:
      return "integer";
    case ParamType::number:
      return "number";
    case ParamType::boolean:
      return "boolean";
    case ParamType::string:
      return "string";
    case ParamType::number_list:
      return "list of numbers";
    case ParamType::string_list:
      return "list of strings";
  }
  return "value";
}

std::string describe_range(const ParamSpec& spec) {
  if (!spec.choices.empty()) {
    std::string text = "one of: ";
    for (std::size_t i = 0; i < spec.choices.size(); ++i)
      text += (i ? ", " : "") + spec.choices[i];
    return text;
  }
  std::string text = to_string(spec.type);
  if (spec.min && spec.max) {
    text += " in [" + format_number(*spec.min) + ", " + format_number(*spec.max) + "]";
  } else if (spec.min) {
    text += " ≥ " + format_number(*spec.min);
  } else if (spec.max) {
    text += " ≤ " + format_number(*spec.max);
  }
  return text;
}

std::optional<std::string> closest_name(const std::string& name,
                                        const std::vector<std::string>& known) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const std::string& candidate : known) {
    const std::size_t d = edit_distance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

Json ParamSchema::resolve(const Json& given, const std::string& where,
                          const std::vector<std::string>& passthrough) const {
  if (!given.is_object()) throw usage_error(where + ": must be a JSON object, got " + given.dump());
  std::vector<std::string> known;
  for (const ParamSpec& spec : specs_)
    known.push_back(spec.name);
  known.insert(known.end(), passthrough.begin(), passthrough.end());
  for (const auto& [key, value] : given.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string message = "unknown key";
    if (auto near = closest_name(key, known)) message += " (did you mean '" + *near + "'?)";
    if (known.empty()) {
      message += "; this takes no parameters";
    } else {
      message += "; known: ";
      for (std::size_t i = 0; i < known.size(); ++i)
        message += (i ? ", " : "") + known[i];
    }
    fail(where, key, message);
  }
  Json resolved = Json::object();
  for (const ParamSpec& spec : specs_) {
    const auto it = given.find(spec.name);
    if (it == given.end() || (it->is_null() && !spec.nullable)) {
      resolved[spec.name] = spec.default_value;
    } else if (it->is_null()) {
      resolved[spec.name] = nullptr;
    } else {
      resolved[spec.name] = check_value(spec, *it, where);
    }
  }
  for (const ParamRule& rule : rules_) {
    if (auto reason = rule(resolved)) throw usage_error(where + ": " + *reason);
  }
  return resolved;
}

}  // namespace mirkit
