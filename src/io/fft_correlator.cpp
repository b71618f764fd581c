#include "fft_correlator.hpp"

#include <algorithm>
#include <bit>
#include <mutex>

#include "../core/fftw_planner.hpp"

namespace mirkit::io::detail {
namespace {

// A segment of at least eight filter lengths keeps the overlap (taps − 1 samples recomputed per
// segment) under 1/8 of the work, while 4,096 points of a 288-tap filter still sit in L1/L2.
constexpr std::size_t kSegmentPerTap = 8;
constexpr std::size_t kMinSegment = 1024;

}  // namespace

CorrelationWorkspace::CorrelationWorkspace(std::size_t segment_size, std::size_t filters) {
  const std::size_t bins = segment_size / 2 + 1;
  segment_ = fftwf_alloc_real(segment_size);
  spectrum_ = fftwf_alloc_complex(bins);
  product_ = fftwf_alloc_complex(bins);
  for (std::size_t f = 0; f < filters; ++f)
    results_.push_back(fftwf_alloc_real(segment_size));
}

CorrelationWorkspace::~CorrelationWorkspace() {
  fftwf_free(segment_);
  fftwf_free(spectrum_);
  fftwf_free(product_);
  for (float* result : results_)
    fftwf_free(result);
}

FftCorrelator::FftCorrelator(std::span<const float> filters, std::size_t count, std::size_t taps)
    : size_(std::bit_ceil(std::max(kMinSegment, kSegmentPerTap * taps))),
      taps_(taps),
      bins_(size_ / 2 + 1) {
  CorrelationWorkspace scratch(size_, 1);
  {
    std::lock_guard lock(fftw_planner_mutex());
    forward_ = fftwf_plan_dft_r2c_1d(static_cast<int>(size_), scratch.segment_, scratch.spectrum_,
                                     FFTW_ESTIMATE);
    inverse_ = fftwf_plan_dft_c2r_1d(static_cast<int>(size_), scratch.product_, scratch.results_[0],
                                     FFTW_ESTIMATE);
  }
  // Correlating with f is multiplying by the conjugate of f's spectrum.
  const float scale = 1.0f / static_cast<float>(size_);
  for (std::size_t f = 0; f < count; ++f) {
    std::fill_n(scratch.segment_, size_, 0.0f);
    std::copy_n(filters.data() + f * taps, taps, scratch.segment_);
    fftwf_execute_dft_r2c(forward_, scratch.segment_, scratch.spectrum_);
    std::vector<float> conjugate(2 * bins_);
    for (std::size_t k = 0; k < bins_; ++k) {
      conjugate[k] = scratch.spectrum_[k][0] * scale;
      conjugate[bins_ + k] = -scratch.spectrum_[k][1] * scale;
    }
    conjugate_spectra_.push_back(std::move(conjugate));
  }
}

FftCorrelator::~FftCorrelator() {
  std::lock_guard lock(fftw_planner_mutex());
  fftwf_destroy_plan(forward_);
  fftwf_destroy_plan(inverse_);
}

std::unique_ptr<CorrelationWorkspace> FftCorrelator::workspace() const {
  return std::make_unique<CorrelationWorkspace>(size_, conjugate_spectra_.size());
}

void FftCorrelator::correlate(CorrelationWorkspace& workspace) const {
  fftwf_execute_dft_r2c(forward_, workspace.segment_, workspace.spectrum_);
  const fftwf_complex* x = workspace.spectrum_;
  fftwf_complex* y = workspace.product_;
  for (std::size_t f = 0; f < conjugate_spectra_.size(); ++f) {
    const float* h_re = conjugate_spectra_[f].data();
    const float* h_im = h_re + bins_;
    for (std::size_t k = 0; k < bins_; ++k) {
      y[k][0] = x[k][0] * h_re[k] - x[k][1] * h_im[k];
      y[k][1] = x[k][0] * h_im[k] + x[k][1] * h_re[k];
    }
    // The inverse overwrites its input: product_ is scratch.
    fftwf_execute_dft_c2r(inverse_, y, workspace.results_[f]);
  }
}

}  // namespace mirkit::io::detail
