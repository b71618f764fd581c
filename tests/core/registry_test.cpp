// The one registry type behind features, classifiers and network layers, and its one message.
#include "mirkit/core/registry.hpp"

#include <gtest/gtest.h>

namespace mirkit {
namespace {

struct Named {
  std::string name;
  int value = 0;
};
struct Typed {
  std::string type;
};

const Registry<Named>& colours() {
  static const Registry<Named> registry("colour", {{"red", 1}, {"green", 2}, {"blue", 3}});
  return registry;
}

TEST(Registry, FindsByNameInListingOrder) {
  EXPECT_EQ(colours().at("green").value, 2);
  EXPECT_EQ(colours().find("purple"), nullptr);
  EXPECT_EQ(colours().names(), (std::vector<std::string>{"red", "green", "blue"}));
  EXPECT_EQ(colours().size(), 3u);
  int sum = 0;
  for (const Named& named : colours())
    sum += named.value;
  EXPECT_EQ(sum, 6);
}

TEST(Registry, AnUnknownNameIsAUsageErrorWithTheLikelyOneAndEveryKnownOne) {
  try {
    colours().at("gren");
    FAIL() << "an unknown name must throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::usage);
    EXPECT_EQ(error.cause(),
              "unknown colour 'gren' (did you mean 'green'?); known: red, green, blue");
  }
}

TEST(Registry, NoSuggestionWhenNothingIsClose) {
  EXPECT_EQ(unknown_name_message("colour", "ultraviolet", colours().names()),
            "unknown colour 'ultraviolet'; known: red, green, blue");
}

TEST(Registry, TheKeyMemberCanBeAnotherThanName) {
  const Registry<Typed, &Typed::type> layers("layer type", {{"conv1d"}, {"linear"}});
  EXPECT_EQ(layers.at("linear").type, "linear");
  EXPECT_EQ(layers.find("lstm"), nullptr);
}

}  // namespace
}  // namespace mirkit
