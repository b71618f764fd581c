// Channel pruning (nn::prune_channels): channels that contribute nothing — a batch norm scale
// and shift of zero, or a zero filter — are the ones removed, and the smaller network computes
// what the whole one did; the shape contracts (input shape, classes, output) hold; chains that
// are not plain are kept whole with the reason.
#include "mirkit/nn/prune.hpp"

#include <gtest/gtest.h>

#include "../../src/core/random.hpp"
#include "../../src/nn/train/builder.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/nn/network.hpp"
#include "random_network.hpp"

namespace mirkit::nn {
namespace {

// A model file of `layers` on items of `item` shape, its weights drawn from a seed and its batch
// norms' running statistics set away from the identity.
io::TensorFile model_file(const Json& layers, const Shape& item) {
  const Json description = {{"input_shape", item}, {"layers", layers}};
  WeightStore store{"case", {}, {}};
  Random init(4);
  train::TrainableNetwork net = train::build_trainable(description, store, init);
  test::randomise_statistics(net);
  return train::export_network(
      net, {{"classes", {"a", "b", "c"}}, {"output", "softmax"}, {"features", nullptr}});
}

Network load(const io::TensorFile& file) {
  const std::string bytes = io::encode_safetensors(file);
  return Network::from_bytes(
      std::span(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()), "pruned");
}

// Sets channels `dead` of tensor `name` (along its first axis) to zero.
void zero_channels(io::TensorFile& file, const std::string& name, const std::vector<int>& dead) {
  io::Tensor& tensor = file.tensors.at(name);
  std::vector<float> values = tensor.to_floats();
  const std::size_t per = values.size() / static_cast<std::size_t>(tensor.shape[0]);
  for (const int c : dead)
    std::fill_n(values.begin() + static_cast<std::ptrdiff_t>(c * per), per, 0.0f);
  tensor = io::Tensor::from_floats(tensor.shape, values);
}

// The two networks' logits on the same batch: equal up to float rounding of sums that now skip
// exact zeros in another order (1e-5 on logits of magnitude ≤ 10).
void expect_same_outputs(const io::TensorFile& whole, const io::TensorFile& pruned,
                         const Shape& batch) {
  const Tensor input = test::normal_tensor(batch, 3);
  const Tensor a = load(whole).forward(input), b = load(pruned).forward(input);
  ASSERT_EQ(a.shape(), b.shape());
  for (std::int64_t i = 0; i < a.size(); ++i)
    EXPECT_NEAR(a.data()[i], b.data()[i], 1e-5) << i;
}

const Json kConvNet = Json::parse(R"([
  {"type": "batch_norm", "num_features": 1},
  {"type": "conv2d", "in_channels": 1, "out_channels": 4, "kernel_size": [3, 3], "padding": [1, 1]},
  {"type": "batch_norm", "num_features": 4}, {"type": "relu"},
  {"type": "max_pool2d", "kernel_size": [2, 2]},
  {"type": "conv2d", "in_channels": 4, "out_channels": 6, "kernel_size": [3, 3], "padding": [1, 1]},
  {"type": "batch_norm", "num_features": 6}, {"type": "relu"},
  {"type": "global_avg_pool"}, {"type": "dropout", "p": 0.3},
  {"type": "linear", "in_features": 6, "out_features": 3}])");

TEST(Prune, RemovesTheChannelsABatchNormSilencesAndComputesTheSame) {
  io::TensorFile whole = model_file(kConvNet, {1, 8, 8});
  // Channels 0 and 2 of the first block, 1, 3 and 4 of the second: scale and shift zero.
  for (const auto& [norm, dead] :
       std::vector<std::pair<std::string, std::vector<int>>>{{"2", {0, 2}}, {"6", {1, 3, 4}}}) {
    zero_channels(whole, norm + ".weight", dead);
    zero_channels(whole, norm + ".bias", dead);
  }
  PruneReport report;
  const io::TensorFile pruned = prune_channels(whole, 0.5, "case", report);
  ASSERT_EQ(report.pruned.size(), 2u);
  EXPECT_EQ(report.pruned[0].layer, 1);
  EXPECT_EQ(report.pruned[0].after, 2);
  EXPECT_EQ(report.pruned[0].ranked_by, "batch_norm_scale");
  EXPECT_EQ(report.pruned[1].after, 3);
  EXPECT_EQ(pruned.tensors.at("1.weight").shape, (std::vector<std::int64_t>{2, 1, 3, 3}));
  EXPECT_EQ(pruned.tensors.at("5.weight").shape, (std::vector<std::int64_t>{3, 2, 3, 3}));
  EXPECT_EQ(pruned.tensors.at("6.running_var").shape, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(pruned.tensors.at("10.weight").shape, (std::vector<std::int64_t>{3, 3}));
  EXPECT_LT(report.parameters_after, report.parameters_before);
  expect_same_outputs(whole, pruned, {5, 1, 8, 8});
  const Network network = load(pruned);
  EXPECT_EQ(network.input_shape(), (Shape{1, 8, 8}));
  EXPECT_EQ(network.classes(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(pruned.metadata["pruning"]["parameters_after"], report.parameters_after);
}

// Without a batch norm the filter's L1 norm ranks the channels; after flatten the linear layer
// loses each removed channel's whole block of inputs.
TEST(Prune, RanksByFilterNormAndCutsFlattenedBlocks) {
  const Json layers = Json::parse(R"([
    {"type": "conv1d", "in_channels": 2, "out_channels": 5, "kernel_size": 3, "padding": 1},
    {"type": "relu"}, {"type": "max_pool1d", "kernel_size": 2},
    {"type": "flatten"},
    {"type": "linear", "in_features": 20, "out_features": 3}])");
  io::TensorFile whole = model_file(layers, {2, 8});
  zero_channels(whole, "0.weight", {1, 4});
  zero_channels(whole, "0.bias", {1, 4});
  PruneReport report;
  const io::TensorFile pruned = prune_channels(whole, 0.4, "case", report);
  ASSERT_EQ(report.pruned.size(), 1u);
  EXPECT_EQ(report.pruned[0].ranked_by, "filter_l1");
  EXPECT_EQ(report.pruned[0].after, 3);
  EXPECT_EQ(pruned.tensors.at("4.weight").shape, (std::vector<std::int64_t>{3, 12}));
  EXPECT_EQ(pruned.metadata["network"]["layers"][4]["in_features"], 12);
  expect_same_outputs(whole, pruned, {4, 2, 8});
}

// A convolution whose channels enter a residual block, a grouped one, or one read by a permute
// is kept whole, with the reason; at least one channel always stays.
TEST(Prune, KeepsChainsThatAreNotPlainAndAlwaysAChannel) {
  const Json layers = Json::parse(R"([
    {"type": "conv2d", "in_channels": 1, "out_channels": 4, "kernel_size": [3, 3], "padding": [1, 1]},
    {"type": "residual", "body": [
      {"type": "conv2d", "in_channels": 4, "out_channels": 4, "kernel_size": [3, 3], "padding": [1, 1]},
      {"type": "relu"}]},
    {"type": "conv2d", "in_channels": 4, "out_channels": 4, "kernel_size": [3, 3], "padding": [1, 1], "groups": 2},
    {"type": "conv2d", "in_channels": 4, "out_channels": 2, "kernel_size": [1, 1]},
    {"type": "global_max_pool"},
    {"type": "linear", "in_features": 2, "out_features": 3}])");
  const io::TensorFile whole = model_file(layers, {1, 6, 6});
  PruneReport report;
  const io::TensorFile pruned = prune_channels(whole, 0.9, "case", report);
  ASSERT_EQ(report.kept.size(), 2u);
  EXPECT_EQ(report.kept[0].layer, 0);
  EXPECT_EQ(report.kept[0].reason, "its channels go into layer 1 (residual)");
  EXPECT_EQ(report.kept[1].layer, 2);
  EXPECT_EQ(report.kept[1].reason, "a grouped convolution");
  ASSERT_EQ(report.pruned.size(), 1u);
  EXPECT_EQ(report.pruned[0].layer, 3);
  EXPECT_EQ(report.pruned[0].after, 1);  // 2 − round(0.9 · 2) would be 0
  EXPECT_NO_THROW(load(pruned));

  for (const double bad : {1.0, -0.1}) {
    EXPECT_THROW(prune_channels(whole, bad, "case", report), Error);
  }
  io::TensorFile classical = whole;
  classical.metadata["kind"] = "svm";
  try {
    prune_channels(classical, 0.5, "svm.safetensors", report);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), "svm.safetensors is not a neural-network model file");
  }
}

}  // namespace
}  // namespace mirkit::nn
