#include "mirkit/models/cross_validation.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "../core/random.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::models {
namespace {

std::vector<std::vector<int>> items_by_class(std::span<const int> labels) {
  std::vector<std::vector<int>> by_class;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0) throw usage_error("cross-validation: negative label");
    const auto c = static_cast<std::size_t>(labels[i]);
    if (c >= by_class.size()) by_class.resize(c + 1);
    by_class[c].push_back(static_cast<int>(i));
  }
  return by_class;
}

std::vector<Fold> folds_from_assignment(const std::vector<int>& fold_of, int folds) {
  std::vector<Fold> out(static_cast<std::size_t>(folds));
  for (std::size_t i = 0; i < fold_of.size(); ++i) {
    for (int f = 0; f < folds; ++f)
      (f == fold_of[i] ? out[f].test : out[f].train).push_back(static_cast<int>(i));
  }
  return out;
}

}  // namespace

std::vector<int> take(std::span<const int> values, std::span<const int> rows) {
  std::vector<int> out;
  out.reserve(rows.size());
  for (const int r : rows)
    out.push_back(values[static_cast<std::size_t>(r)]);
  return out;
}

std::vector<Fold> stratified_kfold(std::span<const int> labels, int folds, std::uint64_t seed) {
  if (folds < 2 || folds > static_cast<int>(labels.size())) {
    throw usage_error("cross-validation: " + std::to_string(folds) + " folds of " +
                      std::to_string(labels.size()) + " items (need 2 ≤ folds ≤ items)");
  }
  std::vector<std::vector<int>> by_class = items_by_class(labels);
  std::vector<int> fold_of(labels.size());
  std::size_t dealt = 0;
  for (std::size_t c = 0; c < by_class.size(); ++c) {
    Random random(derive_seed(seed, c));
    random.shuffle(by_class[c]);
    for (const int item : by_class[c])
      fold_of[static_cast<std::size_t>(item)] = static_cast<int>(dealt++ % folds);
  }
  return folds_from_assignment(fold_of, folds);
}

std::vector<Fold> group_kfold(std::span<const std::string> groups, int folds) {
  std::map<std::string, std::vector<int>> members;
  for (std::size_t i = 0; i < groups.size(); ++i)
    members[groups[i]].push_back(static_cast<int>(i));
  if (folds < 2 || folds > static_cast<int>(members.size())) {
    throw usage_error("cross-validation: " + std::to_string(folds) + " folds of " +
                      std::to_string(members.size()) +
                      " groups (need 2 ≤ folds ≤ distinct groups)");
  }
  std::vector<const std::vector<int>*> order;
  for (const auto& [name, items] : members)
    order.push_back(&items);
  // std::map is ordered by name, so a stable sort by size breaks ties by name.
  std::stable_sort(order.begin(), order.end(),
                   [](const auto* a, const auto* b) { return a->size() > b->size(); });
  std::vector<std::size_t> fold_size(static_cast<std::size_t>(folds), 0);
  std::vector<int> fold_of(groups.size());
  for (const std::vector<int>* items : order) {
    const auto lightest =
        static_cast<int>(std::min_element(fold_size.begin(), fold_size.end()) - fold_size.begin());
    fold_size[static_cast<std::size_t>(lightest)] += items->size();
    for (const int item : *items)
      fold_of[static_cast<std::size_t>(item)] = lightest;
  }
  return folds_from_assignment(fold_of, folds);
}

Split stratified_split(std::span<const int> labels, double validation_fraction,
                       std::uint64_t seed) {
  if (!(validation_fraction > 0 && validation_fraction < 1)) {
    throw usage_error("validation fraction must be in (0, 1)");
  }
  std::vector<std::vector<int>> by_class = items_by_class(labels);
  std::vector<bool> in_validation(labels.size(), false);
  for (std::size_t c = 0; c < by_class.size(); ++c) {
    Random random(derive_seed(seed, c));
    random.shuffle(by_class[c]);
    const auto n = by_class[c].size();
    const auto wanted =
        static_cast<std::size_t>(std::llround(static_cast<double>(n) * validation_fraction));
    const std::size_t taken = n == 0 ? 0 : std::min(wanted, n - 1);
    for (std::size_t i = 0; i < taken; ++i)
      in_validation[static_cast<std::size_t>(by_class[c][i])] = true;
  }
  Split split;
  for (std::size_t i = 0; i < labels.size(); ++i)
    (in_validation[i] ? split.validation : split.train).push_back(static_cast<int>(i));
  return split;
}

}  // namespace mirkit::models
