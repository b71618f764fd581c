// Max pooling routes each output's gradient to the input it came from (the first maximum, as
// PyTorch); average pooling spreads it evenly over the window, padding included.
#include <limits>

#include "factories.hpp"
#include "layers.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::nn::train {

Shape Pooling::output_shape(const Shape& input) const {
  const std::size_t rank = g_.one_dimensional ? 3 : 4;
  if (input.size() != rank) {
    throw Error(std::string("pooling expects ") +
                (g_.one_dimensional ? "(N, C, L)" : "(N, C, H, W)") + ", got " + to_string(input));
  }
  const std::int64_t height = g_.one_dimensional ? 1 : input[2];
  const std::int64_t out_h = (height + 2 * g_.pad_h - g_.kernel_h) / g_.stride_h + 1;
  const std::int64_t out_w = (input.back() + 2 * g_.pad_w - g_.kernel_w) / g_.stride_w + 1;
  if (height + 2 * g_.pad_h < g_.kernel_h || input.back() + 2 * g_.pad_w < g_.kernel_w) {
    throw Error("input " + to_string(input) + " is smaller than the pooling window");
  }
  if (g_.one_dimensional) return {input[0], input[1], out_w};
  return {input[0], input[1], out_h, out_w};
}

void Pooling::forward(const Tensor& in, Tensor& out, const Pass&) {
  out.resize(output_shape(in.shape()));
  const std::int64_t planes = in.dim(0) * in.dim(1);
  const std::int64_t height = g_.one_dimensional ? 1 : in.dim(2), width = in.dim(-1);
  const std::int64_t out_h = g_.one_dimensional ? 1 : out.dim(2), out_w = out.dim(-1);
  if (g_.kind == PoolKind::max) argmax_.assign(static_cast<std::size_t>(out.size()), -1);
  const float window = static_cast<float>(g_.kernel_h * g_.kernel_w);
  for (std::int64_t p = 0; p < planes; ++p) {
    const float* x = in.data() + p * height * width;
    for (std::int64_t oy = 0; oy < out_h; ++oy) {
      for (std::int64_t ox = 0; ox < out_w; ++ox) {
        const std::int64_t o = (p * out_h + oy) * out_w + ox;
        float best = -std::numeric_limits<float>::infinity(), sum = 0.0f;
        std::int64_t where = -1;
        for (std::int64_t i = 0; i < g_.kernel_h; ++i) {
          const std::int64_t y = oy * g_.stride_h - g_.pad_h + i;
          if (y < 0 || y >= height) continue;
          for (std::int64_t j = 0; j < g_.kernel_w; ++j) {
            const std::int64_t xx = ox * g_.stride_w - g_.pad_w + j;
            if (xx < 0 || xx >= width) continue;
            const float v = x[y * width + xx];
            sum += v;
            if (v > best) best = v, where = p * height * width + y * width + xx;
          }
        }
        if (g_.kind == PoolKind::max) {
          out.data()[o] = best;
          argmax_[static_cast<std::size_t>(o)] = where;
        } else {
          out.data()[o] = sum / window;
        }
      }
    }
  }
}

void Pooling::backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                       Tensor& grad_in) {
  grad_in.resize(in.shape());
  std::fill(grad_in.values().begin(), grad_in.values().end(), 0.0f);
  if (g_.kind == PoolKind::max) {
    for (std::int64_t o = 0; o < out.size(); ++o) {
      const std::int64_t from = argmax_[static_cast<std::size_t>(o)];
      if (from >= 0) grad_in.data()[from] += grad_out.data()[o];
    }
    return;
  }
  const std::int64_t planes = in.dim(0) * in.dim(1);
  const std::int64_t height = g_.one_dimensional ? 1 : in.dim(2), width = in.dim(-1);
  const std::int64_t out_h = g_.one_dimensional ? 1 : out.dim(2), out_w = out.dim(-1);
  const float window = static_cast<float>(g_.kernel_h * g_.kernel_w);
  for (std::int64_t p = 0; p < planes; ++p) {
    float* dx = grad_in.data() + p * height * width;
    for (std::int64_t oy = 0; oy < out_h; ++oy) {
      for (std::int64_t ox = 0; ox < out_w; ++ox) {
        const float share = grad_out.data()[(p * out_h + oy) * out_w + ox] / window;
        for (std::int64_t i = 0; i < g_.kernel_h; ++i) {
          const std::int64_t y = oy * g_.stride_h - g_.pad_h + i;
          if (y < 0 || y >= height) continue;
          for (std::int64_t j = 0; j < g_.kernel_w; ++j) {
            const std::int64_t xx = ox * g_.stride_w - g_.pad_w + j;
            if (xx >= 0 && xx < width) dx[y * width + xx] += share;
          }
        }
      }
    }
  }
}

std::unique_ptr<TrainLayer> Pooling::replicate() const {
  auto copy = std::make_unique<Pooling>(g_);
  copy->frozen_ = frozen_;
  return copy;
}

Shape GlobalPool::output_shape(const Shape& input) const {
  if (input.size() < 3) throw Error("global pooling expects (N, C, ...), got " + to_string(input));
  return {input[0], input[1]};
}

void GlobalPool::forward(const Tensor& in, Tensor& out, const Pass&) {
  out.resize(output_shape(in.shape()));
  const std::int64_t planes = in.dim(0) * in.dim(1), spread = in.size() / planes;
  if (max_) argmax_.resize(static_cast<std::size_t>(planes));
  for (std::int64_t p = 0; p < planes; ++p) {
    const float* x = in.data() + p * spread;
    if (max_) {
      const std::int64_t best = std::max_element(x, x + spread) - x;
      argmax_[static_cast<std::size_t>(p)] = p * spread + best;
      out.data()[p] = x[best];
    } else {
      double sum = 0.0;
      for (std::int64_t s = 0; s < spread; ++s)
        sum += x[s];
      out.data()[p] = static_cast<float>(sum / static_cast<double>(spread));
    }
  }
}

void GlobalPool::backward(const Tensor& in, const Tensor&, const Tensor& grad_out,
                          Tensor& grad_in) {
  grad_in.resize(in.shape());
  std::fill(grad_in.values().begin(), grad_in.values().end(), 0.0f);
  const std::int64_t planes = in.dim(0) * in.dim(1), spread = in.size() / planes;
  for (std::int64_t p = 0; p < planes; ++p) {
    if (max_) {
      grad_in.data()[argmax_[static_cast<std::size_t>(p)]] = grad_out.data()[p];
    } else {
      const float share = grad_out.data()[p] / static_cast<float>(spread);
      std::fill(grad_in.data() + p * spread, grad_in.data() + (p + 1) * spread, share);
    }
  }
}

std::unique_ptr<TrainLayer> GlobalPool::replicate() const {
  auto copy = std::make_unique<GlobalPool>(max_);
  copy->frozen_ = frozen_;
  return copy;
}

TrainableFactory trainable_pooling(PoolKind kind, bool one_dimensional) {
  return [kind, one_dimensional](const LoadContext& c, Builder&) -> std::unique_ptr<TrainLayer> {
    return std::make_unique<Pooling>(read_pool_options(c, kind, one_dimensional));
  };
}

TrainableFactory trainable_global_pool(bool max) {
  return [max](const LoadContext&, Builder&) -> std::unique_ptr<TrainLayer> {
    return std::make_unique<GlobalPool>(max);
  };
}

}  // namespace mirkit::nn::train
