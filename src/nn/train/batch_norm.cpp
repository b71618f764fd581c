// Batch normalisation in training (Ioffe & Szegedy 2015) over axis 1 of (N, C, ...): each
// channel is normalised by the mean and biased variance of its N·S values in the micro-batch;
// the running statistics move towards them by `momentum` with the unbiased variance, as
// torch.nn.BatchNorm*d, so the exported file behaves as PyTorch's would in eval mode.
#include <cmath>

#include "factories.hpp"
#include "layers.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::nn::train {

BatchNorm::BatchNorm(Parameter gamma, Parameter beta, Buffer mean, Buffer var, double eps,
                     double momentum)
    : gamma_(std::move(gamma)),
      beta_(std::move(beta)),
      running_mean_(std::move(mean)),
      running_var_(std::move(var)),
      eps_(eps),
      momentum_(momentum) {}

Shape BatchNorm::output_shape(const Shape& input) const {
  if (input.size() < 2 || input[1] != gamma_.value->size()) {
    throw Error("batch_norm expects (N, " + std::to_string(gamma_.value->size()) + ", ...), got " +
                to_string(input));
  }
  return input;
}

void BatchNorm::forward(const Tensor& in, Tensor& out, const Pass& pass) {
  out.resize(output_shape(in.shape()));
  const std::int64_t n = in.dim(0), channels = in.dim(1);
  const std::int64_t spread = in.size() / (n * channels);  // values per item and channel
  const float* gamma = gamma_.value->data();
  const float* beta = beta_.value->data();
  used_batch_ = pass.training && !frozen_;
  pending_ = used_batch_;
  batch_mean_.resize(channels);
  batch_var_.resize(channels);
  batch_count_ = n * spread;
  for (std::int64_t c = 0; c < channels; ++c) {
    double mean = 0.0, var = 0.0;
    if (used_batch_) {
      for (std::int64_t b = 0; b < n; ++b) {
        const float* x = in.data() + (b * channels + c) * spread;
        for (std::int64_t s = 0; s < spread; ++s)
          mean += x[s];
      }
      mean /= static_cast<double>(batch_count_);
      for (std::int64_t b = 0; b < n; ++b) {
        const float* x = in.data() + (b * channels + c) * spread;
        for (std::int64_t s = 0; s < spread; ++s)
          var += (x[s] - mean) * (x[s] - mean);
      }
      var /= static_cast<double>(batch_count_);
    } else {
      mean = running_mean_.value->data()[c];
      var = running_var_.value->data()[c];
    }
    batch_mean_[c] = mean;
    batch_var_[c] = var;
    const auto scale = static_cast<float>(gamma[c] / std::sqrt(var + eps_));
    const auto shift = static_cast<float>(beta[c] - mean * gamma[c] / std::sqrt(var + eps_));
    for (std::int64_t b = 0; b < n; ++b) {
      const float* x = in.data() + (b * channels + c) * spread;
      float* y = out.data() + (b * channels + c) * spread;
      for (std::int64_t s = 0; s < spread; ++s)
        y[s] = scale * x[s] + shift;
    }
  }
}

void BatchNorm::backward(const Tensor& in, const Tensor&, const Tensor& grad_out, Tensor& grad_in) {
  const std::int64_t n = in.dim(0), channels = in.dim(1);
  const std::int64_t spread = in.size() / (n * channels);
  grad_in.resize(in.shape());
  const auto count = static_cast<double>(n * spread);
  for (std::int64_t c = 0; c < channels; ++c) {
    const double inv_std = 1.0 / std::sqrt(batch_var_[c] + eps_);
    const double mean = batch_mean_[c];
    const double gamma = gamma_.value->data()[c];
    double sum_dy = 0.0, sum_dy_xhat = 0.0;
    for (std::int64_t b = 0; b < n; ++b) {
      const float* x = in.data() + (b * channels + c) * spread;
      const float* dy = grad_out.data() + (b * channels + c) * spread;
      for (std::int64_t s = 0; s < spread; ++s) {
        sum_dy += dy[s];
        sum_dy_xhat += dy[s] * (x[s] - mean) * inv_std;
      }
    }
    gamma_.grad.data()[c] += static_cast<float>(sum_dy_xhat);
    beta_.grad.data()[c] += static_cast<float>(sum_dy);
    for (std::int64_t b = 0; b < n; ++b) {
      const float* x = in.data() + (b * channels + c) * spread;
      const float* dy = grad_out.data() + (b * channels + c) * spread;
      float* dx = grad_in.data() + (b * channels + c) * spread;
      for (std::int64_t s = 0; s < spread; ++s) {
        if (used_batch_) {
          // The mean and variance depend on every x of the channel: the two sums subtract
          // the gradient's components along them.
          const double xhat = (x[s] - mean) * inv_std;
          dx[s] = static_cast<float>(gamma * inv_std *
                                     (dy[s] - sum_dy / count - xhat * sum_dy_xhat / count));
        } else {
          dx[s] = static_cast<float>(gamma * inv_std * dy[s]);
        }
      }
    }
  }
}

void BatchNorm::commit_statistics() {
  if (!pending_) return;
  pending_ = false;
  const double unbiased =
      batch_count_ > 1 ? static_cast<double>(batch_count_) / static_cast<double>(batch_count_ - 1)
                       : 1.0;
  float* mean = running_mean_.value->data();
  float* var = running_var_.value->data();
  for (Eigen::Index c = 0; c < batch_mean_.size(); ++c) {
    mean[c] = static_cast<float>((1.0 - momentum_) * mean[c] + momentum_ * batch_mean_[c]);
    var[c] = static_cast<float>((1.0 - momentum_) * var[c] + momentum_ * batch_var_[c] * unbiased);
  }
}

void BatchNorm::collect(std::vector<Parameter*>& parameters, std::vector<Buffer>& buffers) {
  parameters.push_back(&gamma_);
  parameters.push_back(&beta_);
  buffers.push_back(running_mean_);
  buffers.push_back(running_var_);
}

std::unique_ptr<TrainLayer> BatchNorm::replicate() const {
  auto copy = std::make_unique<BatchNorm>(fresh_copy(gamma_), fresh_copy(beta_), running_mean_,
                                          running_var_, eps_, momentum_);
  copy->frozen_ = frozen_;
  return copy;
}

std::unique_ptr<TrainLayer> trainable_batch_norm(const LoadContext& c, Builder& builder) {
  const std::int64_t n = c.integer("num_features");
  Parameter gamma = builder.constant(c, "weight", n, 1.0f, false);
  Parameter beta = builder.constant(c, "bias", n, 0.0f, false);
  const auto buffer = [&](const std::string& name, float value) {
    return Buffer{c.path() + "." + name, builder.constant(c, name, n, value, false).value};
  };
  Buffer mean = buffer("running_mean", 0.0f), var = buffer("running_var", 1.0f);
  return std::make_unique<BatchNorm>(std::move(gamma), std::move(beta), std::move(mean),
                                     std::move(var), c.number("eps"), 0.1);
}

}  // namespace mirkit::nn::train
