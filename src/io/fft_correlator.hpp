// Correlation of a signal with a few fixed filters by FFT, one segment at a time (overlap-save).
// For the few-hundred-tap filters of a resampler this costs a fraction of the direct inner
// products: two transforms of a few thousand points serve thousands of outputs.
#pragma once

#include <fftw3.h>

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace mirkit::io::detail {

// A stream's buffers for one FftCorrelator (the correlator is shared and read-only).
class CorrelationWorkspace {
 public:
  CorrelationWorkspace(std::size_t segment_size, std::size_t filters);
  ~CorrelationWorkspace();
  CorrelationWorkspace(const CorrelationWorkspace&) = delete;
  CorrelationWorkspace& operator=(const CorrelationWorkspace&) = delete;

  float* segment() { return segment_; }
  // Filter f's correlations, as the last FftCorrelator::correlate left them.
  const float* result(std::size_t filter) const { return results_[filter]; }

 private:
  friend class FftCorrelator;
  float* segment_;
  fftwf_complex* spectrum_;
  fftwf_complex* product_;
  std::vector<float*> results_;
};

class FftCorrelator {
 public:
  // `filters` holds `count` filters of `taps` taps each, one after the other.
  FftCorrelator(std::span<const float> filters, std::size_t count, std::size_t taps);
  ~FftCorrelator();
  FftCorrelator(const FftCorrelator&) = delete;
  FftCorrelator& operator=(const FftCorrelator&) = delete;

  // Samples in one segment, and the correlations each gives: for i < valid(),
  // result(f)[i] = Σ_j filter_f[j] · segment[i + j].
  std::size_t segment_size() const { return size_; }
  std::size_t valid() const { return size_ - taps_ + 1; }
  std::unique_ptr<CorrelationWorkspace> workspace() const;

  // Correlates the workspace's segment with every filter.
  void correlate(CorrelationWorkspace& workspace) const;

 private:
  std::size_t size_;
  std::size_t taps_;
  std::size_t bins_;
  // Per filter, the conjugate of its spectrum, scaled by 1/size (FFTW does not normalise):
  // real parts then imaginary parts, bins_ each.
  std::vector<std::vector<float>> conjugate_spectra_;
  fftwf_plan forward_ = nullptr;
  fftwf_plan inverse_ = nullptr;
};

}  // namespace mirkit::io::detail
