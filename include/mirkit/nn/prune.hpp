// Structured pruning: whole output channels of a network's convolutions removed by magnitude,
// giving a smaller dense network (fewer filters, narrower tensors), not a masked one. A channel
// is removed from the convolution (its filter and bias), from the batch norms that follow it,
// and from the layer that reads it: the next convolution's input channels, or, after global
// pooling or flattening, the linear layer's input columns.
//
// A convolution is pruned only where that chain is plain: between it and its reader nothing but
// batch norms, activations, dropout and local pooling (which keep each channel apart). Grouped
// convolutions, those feeding a residual or concat block, a recurrent layer, a permute or
// reshape, are kept whole and reported with the reason.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mirkit/io/safetensors.hpp"

namespace mirkit::nn {

struct PrunedLayer {
  int layer = 0;  // top-level position
  std::int64_t before = 0, after = 0;
  std::string ranked_by;  // "batch_norm_scale" or "filter_l1"
};

struct KeptLayer {
  int layer = 0;
  std::string reason;
};

struct PruneReport {
  std::vector<PrunedLayer> pruned;
  std::vector<KeptLayer> kept;  // convolutions left whole, and why
  std::int64_t parameters_before = 0, parameters_after = 0;

  Json to_json() const;
};

// Removes round(fraction · C) of the C output channels of each prunable top-level convolution
// (at least one channel stays): those of smallest magnitude — the |scale| of the batch norm that
// follows (network slimming, Liu et al. 2017), or without one the L1 norm of the filter (Li et
// al. 2017). `model` is a network model file; the result has the same input shape, classes,
// output and metadata, with metadata "pruning" recording what was removed. Errors (not a
// network; fraction outside [0, 1)) are usage Errors naming `where`.
io::TensorFile prune_channels(const io::TensorFile& model, double fraction,
                              const std::string& where, PruneReport& report);

}  // namespace mirkit::nn
