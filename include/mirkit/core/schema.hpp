// A parameter struct declared once: Schema<Params> names each member with its key, description
// and range, and from that one declaration reads a JSON object into the struct (unknown key →
// error naming the likely one, ranges and choices checked, rules across fields checked), writes
// the struct back, and gives the ParamSchema that `mirkit list` prints. Defaults are never written
// in the schema: they are the values of a default-constructed Params (or of the instance given),
// so the struct is their one home.
//
//   const Schema<SvmOptions>& svm_schema() {
//     static const Schema<SvmOptions> schema = Schema<SvmOptions>()
//         .field("c", &SvmOptions::c, "penalty C", {.min = 1e-9})
//         .field("kernel", &SvmOptions::kernel, "kernel", {"linear", "rbf", "poly"});
//     return schema;
//   }
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "mirkit/core/json.hpp"
#include "mirkit/core/params.hpp"

namespace mirkit {

// Inclusive bounds of a number, or of each number of a list.
struct Bounds {
  std::optional<double> min;
  std::optional<double> max;
};

// The names of an enum's values as a recipe writes them, in the order `mirkit list` shows them
// (string literals: the schema keeps the views).
template <class Enum>
using EnumNames = std::span<const std::pair<std::string_view, Enum>>;

namespace schema_detail {

template <class T>
struct Optional : std::false_type {
  using type = T;
};
template <class T>
struct Optional<std::optional<T>> : std::true_type {
  using type = T;
};

template <class T>
inline constexpr bool kSupported =
    std::is_arithmetic_v<T> || std::is_same_v<T, std::string> ||
    std::is_same_v<T, std::vector<double>> || std::is_same_v<T, std::vector<std::string>>;

template <class T>
constexpr ParamType param_type() {
  static_assert(kSupported<T>, "Schema: a member must be a number, bool, string or list of them");
  if constexpr (std::is_same_v<T, bool>) {
    return ParamType::boolean;
  } else if constexpr (std::is_integral_v<T>) {
    return ParamType::integer;
  } else if constexpr (std::is_floating_point_v<T>) {
    return ParamType::number;
  } else if constexpr (std::is_same_v<T, std::string>) {
    return ParamType::string;
  } else if constexpr (std::is_same_v<T, std::vector<double>>) {
    return ParamType::number_list;
  } else {
    return ParamType::string_list;
  }
}

}  // namespace schema_detail

template <class Params>
class Schema {
 public:
  // The defaults are `defaults`' values (one struct can serve two definitions that differ only
  // in a default, e.g. a mixture's components over vectors and over frames).
  explicit Schema(Params defaults = {}) : reader_(std::make_shared<Reader>()) {
    reader_->defaults = std::move(defaults);
  }

  // A number, boolean, string or list member, or an optional one (absent: null).
  template <class Value>
  Schema& field(std::string name, Value Params::*member, std::string description,
                Bounds bounds = {}) {
    ParamSpec spec = plain_spec(std::move(name), member, std::move(description));
    spec.min = bounds.min;
    spec.max = bounds.max;
    add_plain(std::move(spec), member);
    return *this;
  }

  // A string member (or an optional one) that takes one of `choices`.
  template <class Value>
  requires std::is_same_v<Value, std::string> || std::is_same_v<Value, std::optional<std::string>>
      Schema& field(std::string name, Value Params::*member, std::string description,
                    std::vector<std::string> choices) {
    ParamSpec spec = plain_spec(std::move(name), member, std::move(description));
    spec.choices = std::move(choices);
    add_plain(std::move(spec), member);
    return *this;
  }

  // An enum member, written in recipes by its name.
  template <class Enum>
  requires std::is_enum_v<Enum> Schema& field(std::string name, Enum Params::*member,
                                              std::string description,
                                              std::type_identity_t<EnumNames<Enum>> names) {
    ParamSpec spec{.name = std::move(name),
                   .type = ParamType::string,
                   .default_value = std::string(name_of(names, reader_->defaults.*member)),
                   .description = std::move(description)};
    for (const auto& entry : names)
      spec.choices.emplace_back(entry.first);
    const std::vector<std::pair<std::string_view, Enum>> table(names.begin(), names.end());
    add(
        std::move(spec),
        [member, names = table](Params& p, const Json& v) {
          const auto text = v.get<std::string>();  // one of the choices: resolve() checked it
          for (const auto& [known, value] : names)
            if (known == text) p.*member = value;
        },
        [member, names = table](const Params& p) {
          return Json(std::string(name_of<Enum>(names, p.*member)));
        });
    return *this;
  }

  // A rule across fields, checked whenever a recipe is read: why the values do not go together,
  // or nothing. `check` takes a const Params& and returns std::optional<std::string>.
  template <class Check>
  Schema& rule(Check check) {
    declaration_.add_rule(
        [reader = reader_, check](const Json& resolved) -> std::optional<std::string> {
          return check(reader->read(resolved));
        });
    return *this;
  }

  // What `mirkit list` prints, and what checks a JSON object (ParamSchema::resolve).
  const ParamSchema& declaration() const { return declaration_; }
  const Params& defaults() const { return reader_->defaults; }

  // `given` checked (errors prefixed by `where`; `passthrough` keys allowed) and read.
  Params read(const Json& given, const std::string& where,
              const std::vector<std::string>& passthrough = {}) const {
    return reader_->read(declaration_.resolve(given, where, passthrough));
  }
  // An object already resolved by declaration() (every key present, rules checked), read.
  Params from_resolved(const Json& resolved) const { return reader_->read(resolved); }
  // Every field of `params`, in declaration order: what read() turns back into `params`.
  Json write(const Params& params) const {
    Json out = Json::object();
    for (const Field& f : reader_->fields)
      out[f.name] = f.value(params);
    return out;
  }

 private:
  struct Field {
    std::string name;
    std::function<void(Params&, const Json&)> assign;
    std::function<Json(const Params&)> value;
  };
  // Shared with the rules (which read before checking), so it must not own the declaration.
  struct Reader {
    Params defaults;
    std::vector<Field> fields;
    Params read(const Json& resolved) const {
      Params p = defaults;
      for (const Field& f : fields)
        f.assign(p, resolved.at(f.name));
      return p;
    }
  };

  template <class Value>
  ParamSpec plain_spec(std::string name, Value Params::*member, std::string description) const {
    using Inner = typename schema_detail::Optional<Value>::type;
    return {.name = std::move(name),
            .type = schema_detail::param_type<Inner>(),
            .default_value = to_json(reader_->defaults.*member),
            .description = std::move(description),
            // An optional member takes null: "none", as if absent.
            .nullable = schema_detail::Optional<Value>::value};
  }

  template <class Value>
  void add_plain(ParamSpec spec, Value Params::*member) {
    add(
        std::move(spec), [member](Params& p, const Json& v) { p.*member = from_json<Value>(v); },
        [member](const Params& p) { return to_json(p.*member); });
  }

  void add(ParamSpec spec, std::function<void(Params&, const Json&)> assign,
           std::function<Json(const Params&)> value) {
    reader_->fields.push_back({spec.name, std::move(assign), std::move(value)});
    declaration_.add(std::move(spec));
  }

  template <class Value>
  static Json to_json(const Value& value) {
    if constexpr (schema_detail::Optional<Value>::value) {
      return value ? to_json(*value) : Json(nullptr);
    } else if constexpr (std::is_same_v<Value, std::vector<double>>) {
      // As a recipe writes a list, and as resolve() keeps one given: whole numbers as integers
      // ([-6, 6], not [-6.0, 6.0]).
      Json out = Json::array();
      for (const double v : value) {
        if (v == std::floor(v) && std::abs(v) < 1e15) {
          out.push_back(static_cast<std::int64_t>(v));
        } else {
          out.push_back(v);
        }
      }
      return out;
    } else {
      return Json(value);
    }
  }

  template <class Value>
  static Value from_json(const Json& v) {
    if constexpr (schema_detail::Optional<Value>::value) {
      if (v.is_null()) return std::nullopt;
      return v.get<typename schema_detail::Optional<Value>::type>();
    } else {
      return v.get<Value>();
    }
  }

  template <class Enum>
  static std::string_view name_of(EnumNames<Enum> names, Enum value) {
    for (const auto& [text, known] : names)
      if (known == value) return text;
    return {};
  }

  std::shared_ptr<Reader> reader_;  // copies of a Schema share it (a static is built by copy)
  ParamSchema declaration_;
};

}  // namespace mirkit
