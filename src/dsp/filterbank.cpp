#include "mirkit/dsp/filterbank.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "frame_lanes.hpp"
#include "mirkit/core/cpu_dispatch.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::dsp {
namespace {

// The dense product is computed a group of 12 filters at a time, 8 bins per step: 12
// accumulators and the spectrum's 8 bins fill AVX2's 16 vector registers, and every bin loaded
// serves 12 filters.
constexpr std::size_t kLanes = 8;
constexpr std::size_t kGroup = 12;
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));

std::size_t padded_filters(std::size_t filters) {
  return (filters + kGroup - 1) / kGroup * kGroup;
}

// out (frames × filters) = spectrogram (frames × bins) · weightsᵀ (weights: padded filters ×
// bins). Each output is 8 lane sums (lane j takes the bins k ≡ j mod 8) added pairwise, then
// the bins past the last whole 8 in order: the same operations in both clones, without fused
// multiply-adds, so the same bits on every machine.
MIRKIT_TARGET_CLONES
void apply_dense(const float* spectrogram, std::size_t frames, std::size_t bins,
                 const float* weights, std::size_t filters, float* out) {
  const std::size_t whole = bins / kLanes * kLanes;
  for (std::size_t f = 0; f < frames; ++f) {
    const float* x = spectrogram + f * bins;
    for (std::size_t group = 0; group < filters; group += kGroup) {
      const float* w = weights + group * bins;
      Lanes sum[kGroup] = {};
      for (std::size_t k = 0; k < whole; k += kLanes) {
        Lanes v;
        std::memcpy(&v, x + k, sizeof(v));
        for (std::size_t r = 0; r < kGroup; ++r) {
          Lanes c;
          std::memcpy(&c, w + r * bins + k, sizeof(c));
          sum[r] += v * c;
        }
      }
      for (std::size_t r = 0; r < kGroup && group + r < filters; ++r) {
        float total = ((sum[r][0] + sum[r][1]) + (sum[r][2] + sum[r][3])) +
                      ((sum[r][4] + sum[r][5]) + (sum[r][6] + sum[r][7]));
        for (std::size_t k = whole; k < bins; ++k)
          total += x[k] * w[r * bins + k];
        out[f * filters + group + r] = total;
      }
    }
  }
}

// The banded filters for 8 frames at a time (frame_lanes.hpp): a filter is a short run of
// weights, and frame by frame the setup, horizontal sum and store of each run cost more than
// its few multiply-adds. Here each weight multiplies the same bin of 8 frames; each output is a
// lane of two alternating partial sums in bin order, added at the end. The same operations in
// both clones.
MIRKIT_TARGET_CLONES
void apply_banded(const float* spectrogram, std::size_t frames, std::size_t bins, const int* firsts,
                  const float* const* weights, const std::size_t* lengths, std::size_t filters,
                  float* out) {
  using lanes::kLanes;
  using lanes::Lanes;
  std::vector<float> columns(bins * kLanes);
  for (std::size_t block = 0; block < frames; block += kLanes) {
    // A last block of fewer than 8 frames repeats its last frame in the spare lanes.
    const float* rows[kLanes];
    for (std::size_t lane = 0; lane < kLanes; ++lane)
      rows[lane] = spectrogram + std::min(block + lane, frames - 1) * bins;
    lanes::gather_columns(rows, bins, columns.data());
    for (std::size_t r = 0; r < filters; ++r) {
      const float* x = columns.data() + static_cast<std::size_t>(firsts[r]) * kLanes;
      const float* w = weights[r];
      const std::size_t n = lengths[r];
      Lanes even = {}, odd = {}, a, b;
      std::size_t k = 0;
      for (; k + 2 <= n; k += 2) {
        lanes::load(a, x + k * kLanes);
        lanes::load(b, x + (k + 1) * kLanes);
        even += a * w[k];
        odd += b * w[k + 1];
      }
      if (k < n) {
        lanes::load(a, x + k * kLanes);
        even += a * w[k];
      }
      const Lanes sum = even + odd;
      for (std::size_t lane = 0; lane < kLanes && block + lane < frames; ++lane)
        out[(block + lane) * filters + r] = sum[lane];
    }
  }
}

}  // namespace

Filterbank::Filterbank(const MatrixD& dense) : bins_(static_cast<int>(dense.cols())) {
  rows_.resize(static_cast<std::size_t>(dense.rows()));
  for (Eigen::Index r = 0; r < dense.rows(); ++r) {
    Eigen::Index first = 0, last = dense.cols();
    while (first < last && dense(r, first) == 0.0)
      ++first;
    while (last > first && dense(r, last - 1) == 0.0)
      --last;
    Row& row = rows_[static_cast<std::size_t>(r)];
    row.first = static_cast<int>(first);
    row.weights = dense.row(r).segment(first, last - first).transpose().cast<float>();
  }
  // Mel filters touch a few bins each; chroma filters touch all of them. Past a quarter of the
  // bins per filter on average, the dense product is faster than row-by-row sums.
  Eigen::Index touched = 0;
  for (const Row& row : rows_)
    touched += row.weights.size();
  dense_ = dense.rows() > 0 && touched > dense.rows() * dense.cols() / 4;
  if (dense_) {
    const auto filters = static_cast<std::size_t>(dense.rows());
    const auto bins = static_cast<std::size_t>(dense.cols());
    dense_weights_.assign(padded_filters(filters) * bins, 0.0f);
    for (std::size_t r = 0; r < filters; ++r) {
      for (std::size_t k = 0; k < bins; ++k) {
        dense_weights_[r * bins + k] =
            static_cast<float>(dense(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(k)));
      }
    }
  }
}

Matrix Filterbank::apply(const Matrix& spectrogram) const {
  if (spectrogram.cols() != bins_) {
    throw Error("filter bank expects " + std::to_string(bins_) + " bins, got " +
                std::to_string(spectrogram.cols()));
  }
  Matrix out(spectrogram.rows(), filters());
  if (dense_) {
    apply_dense(spectrogram.data(), static_cast<std::size_t>(spectrogram.rows()),
                static_cast<std::size_t>(bins_), dense_weights_.data(),
                static_cast<std::size_t>(filters()), out.data());
    return out;
  }
  if (spectrogram.rows() == 0) return out;
  std::vector<int> firsts(rows_.size());
  std::vector<const float*> weights(rows_.size());
  std::vector<std::size_t> lengths(rows_.size());
  for (std::size_t r = 0; r < rows_.size(); ++r) {
    firsts[r] = rows_[r].first;
    weights[r] = rows_[r].weights.data();
    lengths[r] = static_cast<std::size_t>(rows_[r].weights.size());
  }
  apply_banded(spectrogram.data(), static_cast<std::size_t>(spectrogram.rows()),
               static_cast<std::size_t>(bins_), firsts.data(), weights.data(), lengths.data(),
               rows_.size(), out.data());
  return out;
}

}  // namespace mirkit::dsp
