#include "mirkit/core/json.hpp"

namespace mirkit {

std::string to_json_line(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace mirkit
