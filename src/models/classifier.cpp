#include "mirkit/models/classifier.hpp"

#include <string>

#include "mirkit/core/error.hpp"

namespace mirkit::models {

void check_sequences(const SequenceView& sequences) {
  if (sequences.offsets.empty()) throw usage_error("frame sequences: offsets are empty");
  if (sequences.offsets.front() != 0 || sequences.offsets.back() != sequences.frames.rows()) {
    throw usage_error("frame sequences: offsets must run from 0 to the " +
                      std::to_string(sequences.frames.rows()) + " frames");
  }
  for (std::size_t i = 1; i < sequences.offsets.size(); ++i) {
    if (sequences.offsets[i] < sequences.offsets[i - 1]) {
      throw usage_error("frame sequences: offsets decrease at item " + std::to_string(i - 1));
    }
  }
}

Sequences take_items(const SequenceView& sequences, std::span<const int> items) {
  Sequences out;
  for (const int i : items) {
    const auto item = static_cast<std::size_t>(i);
    out.offsets.push_back(out.offsets.back() + sequences.offsets[item + 1] -
                          sequences.offsets[item]);
  }
  out.frames.resize(out.offsets.back(), sequences.frames.cols());
  for (std::size_t n = 0; n < items.size(); ++n) {
    out.frames.middleRows(out.offsets[n], out.offsets[n + 1] - out.offsets[n]) =
        sequences.item(static_cast<std::size_t>(items[n]));
  }
  return out;
}

void check_training_data(const char* model, std::int64_t rows, std::span<const int> labels,
                         int classes) {
  const std::string where = std::string(model) + ": ";
  if (classes < 1) throw usage_error(where + "needs at least one class");
  if (rows == 0) throw usage_error(where + "no training items");
  if (rows != static_cast<std::int64_t>(labels.size())) {
    throw usage_error(where + std::to_string(rows) + " items but " + std::to_string(labels.size()) +
                      " labels");
  }
  for (const int label : labels) {
    if (label < 0 || label >= classes) {
      throw usage_error(where + "label " + std::to_string(label) + " outside [0, " +
                        std::to_string(classes) + ")");
    }
  }
}

}  // namespace mirkit::models
