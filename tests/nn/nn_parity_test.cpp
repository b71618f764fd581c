// Parity with PyTorch: every layer and every architecture of issue 6, on the fixtures that
// scripts/export_torch.py wrote (inputs and torch 1.13's outputs; CI has no PyTorch).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>

#include "mirkit/io/safetensors.hpp"
#include "mirkit/nn/network.hpp"

namespace mirkit::nn {
namespace {

// The bound. Both sides compute in float32 but sum in different orders (GEMM blocking,
// im2col, folded batch norms, exp/tanh implementations), a few ulps per operation; through ten
// or so layers of values of order 1 that stays far below 1e-4.
constexpr float kTolerance = 1e-4f;

const std::string kDataDir = MIRKIT_NN_DATA_DIR;

std::vector<std::string> cases() {
  std::vector<std::string> names;
  std::ifstream list(kDataDir + "/cases.txt");
  for (std::string line; std::getline(list, line);) {
    if (!line.empty()) names.push_back(line);
  }
  return names;
}

Tensor to_tensor(const io::Tensor& tensor, const std::string& name) {
  return Tensor(Shape(tensor.shape.begin(), tensor.shape.end()), tensor.to_floats(name));
}

// The largest |a − b|; the shapes must agree.
float worst_difference(const Tensor& got, const Tensor& want) {
  EXPECT_EQ(to_string(got.shape()), to_string(want.shape()));
  if (got.shape() != want.shape()) return INFINITY;
  float worst = 0.0f;
  for (std::int64_t i = 0; i < got.size(); ++i) {
    const float d = std::abs(got.data()[i] - want.data()[i]);
    if (!(d <= worst)) worst = std::isnan(d) ? INFINITY : d;
  }
  return worst;
}

// Appends "case worst largest" to $MIRKIT_NN_PARITY_OUT when set: scripts/nn_parity.sh makes
// docs/nn.md's table from it. `largest` is the largest |output|, the scale of the difference.
void record(const std::string& name, float worst, float largest) {
  std::printf("[parity] %-45s worst |mirkit - torch| = %.3g (largest |output| %.3g)\n",
              name.c_str(), worst, largest);
  if (const char* path = std::getenv("MIRKIT_NN_PARITY_OUT")) {
    std::ofstream(path, std::ios::app) << name << " " << worst << " " << largest << "\n";
  }
}

class TorchParity : public ::testing::TestWithParam<std::string> {};

TEST_P(TorchParity, MatchesPyTorchWithin1e4) {
  const std::string name = GetParam();
  const Network network = Network::load(kDataDir + "/" + name + ".safetensors");
  const io::TensorFile fixture =
      io::read_safetensors(kDataDir + "/" + name + ".fixture.safetensors");
  float worst = 0.0f, largest = 0.0f;
  int inputs = 0;
  for (int k = 0; fixture.tensors.count("input." + std::to_string(k)); ++k, ++inputs) {
    const std::string suffix = "." + std::to_string(k);
    const Tensor input = to_tensor(fixture.tensors.at("input" + suffix), "input");
    const Tensor want = to_tensor(fixture.tensors.at("output" + suffix), "output");
    const float d = std::max(worst_difference(network.forward(input), want),
                             worst_difference(network.forward_whole_batch(input), want));
    for (const float v : want.values())
      largest = std::max(largest, std::abs(v));
    EXPECT_LE(d, kTolerance) << name << " input " << k << " " << to_string(input.shape());
    worst = std::max(worst, d);
    if (fixture.tensors.count("probabilities" + suffix)) {
      const Tensor p = to_tensor(fixture.tensors.at("probabilities" + suffix), "probabilities");
      const float dp = worst_difference(network.predict(input), p);
      EXPECT_LE(dp, kTolerance) << name << " probabilities " << k;
    }
  }
  EXPECT_GE(inputs, 2) << "each case has batch 1 and batch 7 inputs";
  record(name, worst, largest);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, TorchParity, ::testing::ValuesIn(cases()),
                         [](const auto& test_case) { return test_case.param; });

void collect_types(const Json& value, std::set<std::string>& types) {
  if (value.is_object()) {
    if (value.contains("type") && value["type"].is_string())
      types.insert(value["type"].get<std::string>());
    for (const auto& [key, child] : value.items())
      collect_types(child, types);
  } else if (value.is_array()) {
    for (const Json& child : value)
      collect_types(child, types);
  }
}

TEST(TorchParity, EveryLayerTypeHasAFixture) {
  std::set<std::string> covered;
  for (const std::string& name : cases()) {
    collect_types(io::read_safetensors_header(kDataDir + "/" + name + ".safetensors").metadata,
                  covered);
  }
  for (const LayerType& layer : layer_types()) {
    EXPECT_TRUE(covered.count(layer.type)) << layer.type << " has no parity fixture";
  }
}

TEST(TorchParity, FixturesCoverEveryArchitecture) {
  const std::vector<std::string> names = cases();
  for (const char* arch :
       {"arch_vgg", "arch_resnet", "arch_crnn", "arch_tcn", "arch_samplecnn", "arch_transformer"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), arch), names.end()) << arch;
  }
}

// docs/nn.md has a section per layer type, headed "### `type`", naming each of its fields.
TEST(NnDocs, DescribeEveryLayerTypeAndField) {
  std::ifstream in(std::string(MIRKIT_DOCS_DIR) + "/nn.md");
  const std::string docs((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(docs.empty());
  for (const LayerType& layer : layer_types()) {
    const std::size_t begin = docs.find("### `" + layer.type + "`");
    ASSERT_NE(begin, std::string::npos) << layer.type << " is not documented";
    const std::size_t end = docs.find("\n### ", begin + 1);
    const std::string section = docs.substr(begin, end - begin);
    for (const std::string& field : layer.fields) {
      EXPECT_NE(section.find("`" + field + "`"), std::string::npos)
          << layer.type << "." << field << " is not documented";
    }
  }
}

}  // namespace
}  // namespace mirkit::nn
