// The registries of named definitions (features, classifiers, network layers): each an explicit
// list, because a static library drops self-registering objects that nothing references, in
// the order `mirkit list` shows them; and one message for a name that is not in them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mirkit/core/error.hpp"

namespace mirkit {

// "unknown WHAT 'NAME' (did you mean 'X'?); known: A, B": the likely intended name when one is
// close enough to be a typo (closest_name), then every known one.
std::string unknown_name_message(std::string_view what, const std::string& name,
                                 const std::vector<std::string>& known);

// Definitions looked up by the string member `Key` (their name).
template <class Definition, auto Key = &Definition::name>
class Registry {
 public:
  // `what` names a definition in messages: "feature", "model", "layer type".
  Registry(std::string what, std::vector<Definition> definitions)
      : what_(std::move(what)), definitions_(std::move(definitions)) {}

  auto begin() const { return definitions_.begin(); }
  auto end() const { return definitions_.end(); }
  std::size_t size() const { return definitions_.size(); }

  const Definition* find(const std::string& name) const {
    for (const Definition& definition : definitions_)
      if (definition.*Key == name) return &definition;
    return nullptr;
  }
  // The definition named `name`; a usage Error with unknown_name_message when there is none.
  const Definition& at(const std::string& name) const {
    if (const Definition* definition = find(name)) return *definition;
    throw usage_error(unknown_name_message(what_, name, names()));
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const Definition& definition : definitions_)
      out.push_back(definition.*Key);
    return out;
  }

 private:
  std::string what_;
  std::vector<Definition> definitions_;
};

}  // namespace mirkit
