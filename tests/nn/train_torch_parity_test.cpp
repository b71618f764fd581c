// Training parity with PyTorch: for the cases scripts/export_torch.py lists in GRADIENT_CASES
// (DenseNet, ResNet, the CRNN, LSTMs, grouped convolutions, layer norm, self-attention, concat,
// the positional embedding, softmax), torch 1.13's backward pass in training mode — batch norms on
// the batch's statistics — on L = Σ r ⊙ model(x), against mirkit's training layers built from the
// same model file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "../../src/core/random.hpp"
#include "../../src/nn/train/builder.hpp"
#include "mirkit/io/safetensors.hpp"

namespace mirkit::nn::train {
namespace {

const std::string kDataDir = MIRKIT_NN_DATA_DIR;

std::vector<std::string> gradient_cases() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kDataDir)) {
    const std::string file = entry.path().filename().string();
    const std::string suffix = ".gradients.safetensors";
    if (file.ends_with(suffix)) names.push_back(file.substr(0, file.size() - suffix.size()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

Tensor to_tensor(const io::Tensor& tensor, const std::string& name) {
  return Tensor(Shape(tensor.shape.begin(), tensor.shape.end()), tensor.to_floats(name));
}

// Float32 on both sides, summed in different orders; gradients are sums over the batch and the
// positions of products of values of order 1. The bound is 1e-4 of the tensor's largest gradient
// (at least 1e-4 absolute), as the inference parity's 1e-4 on outputs of order 1–10.
// Returns the worst difference over the scale.
double expect_close(const Tensor& got, const Tensor& want, const std::string& what) {
  EXPECT_EQ(to_string(got.shape()), to_string(want.shape())) << what;
  float scale = 1.0f, worst = 0.0f;
  for (const float v : want.values())
    scale = std::max(scale, std::abs(v));
  for (std::int64_t i = 0; i < got.size(); ++i)
    worst = std::max(worst, std::abs(got.data()[i] - want.data()[i]));
  EXPECT_LE(worst, 1e-4f * scale) << what << " (largest gradient " << scale << ")";
  return worst / scale;
}

class TorchGradients : public ::testing::TestWithParam<std::string> {};

TEST_P(TorchGradients, MatchPyTorchsBackwardPass) {
  const std::string name = GetParam();
  const io::TensorFile model = io::read_safetensors(kDataDir + "/" + name + ".safetensors");
  const io::TensorFile fixture =
      io::read_safetensors(kDataDir + "/" + name + ".gradients.safetensors");
  WeightStore store{name, model.tensors, {}};
  Random random(1);
  TrainableNetwork net = build_trainable(model.metadata["network"], store, random);
  const Tensor input = to_tensor(fixture.tensors.at("input"), "input");
  Tensor out, grad_in;
  net.root->forward(input, out, Pass{true, &random});
  net.root->backward(input, out, to_tensor(fixture.tensors.at("weights"), "weights"), grad_in);
  ASSERT_EQ(grad_in.shape(), input.shape());
  double worst =
      expect_close(grad_in, to_tensor(fixture.tensors.at("grad.input"), "grad.input"), "input");
  int compared = 0;
  for (const Parameter* p : net.parameters) {
    const auto found = fixture.tensors.find("grad." + p->name);
    ASSERT_NE(found, fixture.tensors.end()) << p->name << " has no PyTorch gradient";
    ASSERT_EQ(p->grad.shape(), p->value->shape());
    worst = std::max(worst, expect_close(p->grad, to_tensor(found->second, p->name), p->name));
    ++compared;
  }
  std::printf("[gradients] %-28s worst |mirkit - torch| / scale = %.2e\n", name.c_str(), worst);
  // Every PyTorch parameter is one of mirkit's (inputs and weights aside).
  EXPECT_EQ(compared + 3, static_cast<int>(fixture.tensors.size()));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, TorchGradients, ::testing::ValuesIn(gradient_cases()),
                         [](const auto& test_case) { return test_case.param; });

TEST(TorchGradients, TheListedCasesAreAllThere) {
  EXPECT_EQ(gradient_cases().size(), 12u);
}

}  // namespace
}  // namespace mirkit::nn::train
