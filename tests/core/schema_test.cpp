#include "mirkit/core/schema.hpp"

#include <gtest/gtest.h>

#include <array>

#include "mirkit/core/error.hpp"

namespace mirkit {
namespace {

enum class Shape { round, square };
constexpr std::array<std::pair<std::string_view, Shape>, 2> kShapeNames = {
    {{"round", Shape::round}, {"square", Shape::square}}};

struct Settings {
  int count = 3;
  double rate = 0.5;
  bool enabled = true;
  std::string mode = "fast";
  Shape shape = Shape::square;
  std::optional<int> limit;
  std::vector<double> range = {1, 2};
  std::uint64_t seed = 7;
};

Schema<Settings> make_schema(Settings defaults = {}) {
  Schema<Settings> schema(defaults);
  schema.field("count", &Settings::count, "how many", {.min = 1, .max = 10})
      .field("rate", &Settings::rate, "a rate", {.min = 0})
      .field("enabled", &Settings::enabled, "on or off")
      .field("mode", &Settings::mode, "speed", {"fast", "slow"})
      .field("shape", &Settings::shape, "form", kShapeNames)
      .field("limit", &Settings::limit, "largest (default: none)", {.min = 0})
      .field("range", &Settings::range, "[low, high]")
      .field("seed", &Settings::seed, "random seed")
      .rule([](const Settings& s) -> std::optional<std::string> {
        if (s.limit && *s.limit < s.count) {
          return "'limit' (" + std::to_string(*s.limit) + ") must not be below 'count' (" +
                 std::to_string(s.count) + ")";
        }
        return std::nullopt;
      });
  return schema;
}

std::string error_of(const Schema<Settings>& schema, const Json& given) {
  try {
    schema.read(given, "recipe.json: settings");
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(Schema, DefaultsComeFromTheStructAndAreDeclaredForListing) {
  const Schema<Settings> schema = make_schema();
  const auto& specs = schema.declaration().specs();
  ASSERT_EQ(specs.size(), 8u);
  EXPECT_EQ(specs[0].name, "count");
  EXPECT_EQ(specs[0].type, ParamType::integer);
  EXPECT_EQ(specs[0].default_value, 3);
  EXPECT_EQ(specs[1].type, ParamType::number);
  EXPECT_EQ(specs[2].type, ParamType::boolean);
  EXPECT_EQ(specs[3].choices, (std::vector<std::string>{"fast", "slow"}));
  EXPECT_EQ(specs[4].default_value, "square");
  EXPECT_EQ(specs[4].choices, (std::vector<std::string>{"round", "square"}));
  EXPECT_TRUE(specs[5].default_value.is_null());
  EXPECT_EQ(specs[6].type, ParamType::number_list);
  EXPECT_EQ(specs[6].default_value, Json::array({1.0, 2.0}));

  Settings other;
  other.count = 9;
  EXPECT_EQ(make_schema(other).declaration().specs()[0].default_value, 9);
}

TEST(Schema, ReadsEveryKindOfMember) {
  const Settings s = make_schema().read({{"count", 4},
                                         {"mode", "slow"},
                                         {"shape", "round"},
                                         {"limit", 5},
                                         {"range", {0.5, 3}},
                                         {"enabled", false},
                                         {"seed", 12345678901234ULL}},
                                        "here");
  EXPECT_EQ(s.count, 4);
  EXPECT_EQ(s.rate, 0.5);  // absent: the struct's default
  EXPECT_FALSE(s.enabled);
  EXPECT_EQ(s.mode, "slow");
  EXPECT_EQ(s.shape, Shape::round);
  EXPECT_EQ(s.limit, 5);
  EXPECT_EQ(s.range, (std::vector<double>{0.5, 3}));
  EXPECT_EQ(s.seed, 12345678901234ULL);
  EXPECT_FALSE(make_schema().read(Json::object(), "here").limit.has_value());
}

TEST(Schema, WriteIsWhatReadTurnsBack) {
  const Schema<Settings> schema = make_schema();
  Settings s;
  s.count = 6;
  s.shape = Shape::round;
  s.limit = 8;
  const Json written = schema.write(s);
  EXPECT_EQ(written["shape"], "round");
  EXPECT_EQ(written["limit"], 8);
  EXPECT_EQ(schema.write(schema.read(written, "here")), written);
  // Writing the defaults gives what resolving an empty object gives (what a model file records).
  EXPECT_EQ(schema.write(Settings{}), schema.declaration().resolve(Json::object(), "here"));
}

TEST(Schema, RefusesUnknownKeysAndValuesOutOfRangeNamingWhere) {
  const Schema<Settings> schema = make_schema();
  const std::string unknown = error_of(schema, {{"cuont", 2}});
  EXPECT_NE(unknown.find("recipe.json: settings: 'cuont' unknown key (did you mean 'count'?)"),
            std::string::npos)
      << unknown;
  EXPECT_NE(error_of(schema, {{"count", 11}}).find("'count' must be integer in [1, 10]"),
            std::string::npos);
  EXPECT_NE(error_of(schema, {{"shape", "rund"}}).find("did you mean 'round'?"), std::string::npos);
  EXPECT_NE(error_of(schema, {{"mode", "medium"}}).find("one of: fast, slow"), std::string::npos);
  EXPECT_NE(error_of(schema, {{"enabled", 1}}).find("must be true or false"), std::string::npos);
}

TEST(Schema, RulesAcrossFieldsAreCheckedWhenReadAndWhenResolved) {
  const Schema<Settings> schema = make_schema();
  EXPECT_EQ(error_of(schema, {{"count", 4}, {"limit", 2}}),
            "recipe.json: settings: 'limit' (2) must not be below 'count' (4)");
  EXPECT_EQ(error_of(schema, {{"count", 4}, {"limit", 4}}), "");
  // The declaration alone (what a registry holds) checks the rule too.
  const ParamSchema declaration = schema.declaration();
  EXPECT_THROW(declaration.resolve({{"limit", 0}}, "here"), Error);
}

}  // namespace
}  // namespace mirkit
