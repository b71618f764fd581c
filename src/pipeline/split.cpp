#include <algorithm>
#include <cmath>
#include <map>

#include "../core/random.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/pipeline/feature_ops.hpp"

namespace mirkit::pipeline {
namespace {

// The units that are drawn: one item each, or every item of a group.
struct Unit {
  std::vector<std::size_t> items;
  std::string label;
};

std::vector<Unit> make_units(const FeatureFile& file, bool by_group) {
  std::vector<Unit> units;
  std::map<std::string, std::size_t> unit_of_group;
  for (std::size_t i = 0; i < file.items.size(); ++i) {
    const FeatureItem& item = file.items[i];
    if (by_group && !item.group.empty()) {
      const auto [it, added] = unit_of_group.emplace(item.group, units.size());
      if (added) units.emplace_back();
      units[it->second].items.push_back(i);
    } else {
      units.push_back(Unit{{i}, {}});
    }
  }
  for (Unit& unit : units) {
    // The most common first label of the unit's items (ties: the smallest label).
    std::map<std::string, int> counts;
    for (const std::size_t i : unit.items)
      if (!file.items[i].labels.empty()) ++counts[file.items[i].labels.front()];
    int best = 0;
    for (const auto& [label, count] : counts) {
      if (count > best) {
        best = count;
        unit.label = label;
      }
    }
  }
  return units;
}

std::size_t test_count(std::size_t units, double fraction) {
  if (units < 2) return 0;
  const auto count = static_cast<std::size_t>(std::llround(static_cast<double>(units) * fraction));
  return std::clamp<std::size_t>(count, 1, units - 1);
}

}  // namespace

SplitResult split_feature_file(const FeatureFile& file, const SplitOptions& options) {
  if (!(options.test_fraction > 0.0 && options.test_fraction < 1.0)) {
    throw usage_error("--test must be a fraction between 0 and 1");
  }
  std::vector<Unit> units = make_units(file, options.by_group);
  SplitMix random(options.seed);
  std::vector<bool> in_test(units.size(), false);

  if (options.stratify) {
    std::map<std::string, std::vector<std::size_t>> by_label;
    for (std::size_t u = 0; u < units.size(); ++u)
      by_label[units[u].label].push_back(u);
    for (auto& [label, members] : by_label) {
      random.shuffle(members);
      const std::size_t count = test_count(members.size(), options.test_fraction);
      for (std::size_t k = 0; k < count; ++k)
        in_test[members[k]] = true;
    }
  } else {
    std::vector<std::size_t> order(units.size());
    for (std::size_t u = 0; u < units.size(); ++u)
      order[u] = u;
    random.shuffle(order);
    const std::size_t count = test_count(units.size(), options.test_fraction);
    for (std::size_t k = 0; k < count; ++k)
      in_test[order[k]] = true;
  }

  std::vector<std::size_t> train, test;
  std::vector<bool> item_in_test(file.items.size(), false);
  for (std::size_t u = 0; u < units.size(); ++u)
    for (const std::size_t i : units[u].items)
      item_in_test[i] = in_test[u];
  for (std::size_t i = 0; i < file.items.size(); ++i)
    (item_in_test[i] ? test : train).push_back(i);
  if (train.empty() || test.empty()) {
    throw usage_error("split: " + std::to_string(units.size()) +
                      (options.by_group ? " groups" : " items") +
                      " cannot make two non-empty parts");
  }
  return {select_items(file, train), select_items(file, test)};
}

bool has_split_column(const FeatureFile& file) {
  return std::ranges::any_of(file.items,
                             [](const FeatureItem& item) { return !item.split.empty(); });
}

SplitResult split_by_column(const FeatureFile& file) {
  std::vector<std::size_t> train, test;
  for (std::size_t i = 0; i < file.items.size(); ++i) {
    const std::string& split = file.items[i].split;
    if (split.empty()) {
      throw usage_error("split --by-column split: " + file.items[i].path +
                        " has no split (its manifest row leaves the 'split' column empty)");
    }
    (split == "test" ? test : train).push_back(i);
  }
  if (train.empty() || test.empty()) {
    throw usage_error(std::string("split --by-column split: no item of the ") +
                      (train.empty() ? "train or validation" : "test") + " split");
  }
  return {select_items(file, train), select_items(file, test)};
}

namespace {

FeatureFile items_where(const FeatureFile& file, bool test) {
  if (!has_split_column(file)) return file;
  std::vector<std::size_t> indices;
  for (std::size_t i = 0; i < file.items.size(); ++i)
    if ((file.items[i].split == "test") == test) indices.push_back(i);
  return select_items(file, indices);
}

}  // namespace

FeatureFile training_items(const FeatureFile& file) {
  return items_where(file, false);
}

FeatureFile test_items(const FeatureFile& file) {
  return items_where(file, true);
}

}  // namespace mirkit::pipeline
