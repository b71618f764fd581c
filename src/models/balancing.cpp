#include "mirkit/models/balancing.hpp"

#include <algorithm>

#include "../core/random.hpp"

namespace mirkit::models {

std::vector<double> balanced_class_weights(std::span<const int> labels, int classes) {
  std::vector<double> counts(static_cast<std::size_t>(classes), 0.0);
  for (const int label : labels)
    counts[static_cast<std::size_t>(label)] += 1;
  const auto present = static_cast<double>(
      std::count_if(counts.begin(), counts.end(), [](double c) { return c > 0; }));
  std::vector<double> weights(counts.size(), 1.0);
  for (std::size_t c = 0; c < counts.size(); ++c)
    if (counts[c] > 0) weights[c] = static_cast<double>(labels.size()) / (present * counts[c]);
  return weights;
}

std::vector<int> random_oversample(std::span<const int> labels, int classes, std::uint64_t seed) {
  std::vector<std::vector<int>> by_class(static_cast<std::size_t>(classes));
  std::vector<int> out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    by_class[static_cast<std::size_t>(labels[i])].push_back(static_cast<int>(i));
    out.push_back(static_cast<int>(i));
  }
  std::size_t largest = 0;
  for (const auto& items : by_class)
    largest = std::max(largest, items.size());
  for (std::size_t c = 0; c < by_class.size(); ++c) {
    const std::vector<int>& items = by_class[c];
    if (items.empty()) continue;
    Random random(derive_seed(seed, c));
    for (std::size_t n = items.size(); n < largest; ++n)
      out.push_back(items[random.index(items.size())]);
  }
  return out;
}

}  // namespace mirkit::models
