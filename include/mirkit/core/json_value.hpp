// Reading typed values out of JSON from files and configs without nlohmann's unchecked
// conversions: an integer that does not fit its type is no value, not undefined behaviour.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "mirkit/core/json.hpp"

namespace mirkit {

// `value` as an integer of type T when it is a whole number T can hold (3 and 3.0 alike); none
// otherwise (2.5, 1e30, "3", 2^63 for int64). nlohmann's get<int>() converts a float with a bare
// static_cast, undefined outside the type's range: files and configs read integers through this.
template <typename T>
std::optional<T> exact_integer(const Json& value) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  if (value.is_number_unsigned()) {
    const std::uint64_t u = value.get<std::uint64_t>();
    return std::in_range<T>(u) ? std::optional<T>(static_cast<T>(u)) : std::nullopt;
  }
  if (value.is_number_integer()) {
    const std::int64_t i = value.get<std::int64_t>();
    return std::in_range<T>(i) ? std::optional<T>(static_cast<T>(i)) : std::nullopt;
  }
  if (!value.is_number_float()) return std::nullopt;
  const double d = value.get<double>();
  if (!(d >= -0x1p63 && d < 0x1p63) || d != std::trunc(d)) return std::nullopt;
  return exact_integer<T>(Json(static_cast<std::int64_t>(d)));
}

template <typename T>
struct is_integer_list : std::false_type {};
template <typename U, typename A>
struct is_integer_list<std::vector<U, A>>
    : std::bool_constant<std::is_integral_v<U> && !std::is_same_v<U, bool>> {};

// get<T>() with integers (and lists of them) through exact_integer, anything else as nlohmann
// converts it: none where an integer does not fit; nlohmann's type error for other mismatches.
template <typename T>
std::optional<T> json_value(const Json& value) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    return exact_integer<T>(value);
  } else if constexpr (is_integer_list<T>::value) {
    if (!value.is_array()) return std::nullopt;
    T out;
    for (const Json& element : value) {
      const auto v = exact_integer<typename T::value_type>(element);
      if (!v) return std::nullopt;
      out.push_back(*v);
    }
    return out;
  } else {
    return value.get<T>();
  }
}

}  // namespace mirkit
