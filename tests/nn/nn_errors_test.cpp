// A bad model file is an input Error that names the file and, where one is at fault, the layer:
// never a crash, never a silently wrong network.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "mirkit/core/error.hpp"
#include "mirkit/io/safetensors.hpp"
#include "mirkit/nn/network.hpp"
#include "support/temp_dir.hpp"

namespace mirkit::nn {
namespace {

const std::string kDataDir = MIRKIT_NN_DATA_DIR;
const std::string kResnet = kDataDir + "/arch_resnet.safetensors";

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// The message of the Error that loading `path` throws ("" if it loads).
std::string load_error(const std::filesystem::path& path) {
  try {
    Network::load(path);
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::input) << error.what();
    return error.what();
  }
  return "";
}

// The resnet fixture with `edit` applied, written to `dir`.
template <typename Edit>
std::filesystem::path edited(const test::TempDir& dir, Edit edit) {
  io::TensorFile file = io::read_safetensors(kResnet);
  edit(file);
  const std::filesystem::path path = dir / "edited.safetensors";
  io::write_safetensors(path, file);
  return path;
}

TEST(NetworkErrors, TruncatedFileNamesTheFile) {
  const test::TempDir dir;
  const std::string bytes = read_bytes(kResnet);
  for (const std::size_t keep :
       {std::size_t{0}, std::size_t{5}, std::size_t{100}, bytes.size() / 2, bytes.size() - 1}) {
    test::write_bytes(dir / "cut.safetensors", bytes.substr(0, keep));
    const std::string message = load_error(dir / "cut.safetensors");
    EXPECT_NE(message.find("cut.safetensors"), std::string::npos) << keep << ": " << message;
  }
}

TEST(NetworkErrors, GarbageIsAnErrorNotACrash) {
  const test::TempDir dir;
  // A header length of 16 over a JSON header that is not a safetensors header, then junk.
  const char bytes[] = "\x10\0\0\0\0\0\0\0{\"a\":1}\xff\xfe       ";
  test::write_bytes(dir / "noise.safetensors", std::string(bytes, sizeof(bytes) - 1));
  EXPECT_NE(load_error(dir / "noise.safetensors").find("noise.safetensors"), std::string::npos);
}

TEST(NetworkErrors, WrongTensorShapeNamesLayerTensorAndBothShapes) {
  const test::TempDir dir;
  const auto path = edited(dir, [](io::TensorFile& file) {
    const std::vector<float> values(8 * 1 * 3 * 2, 0.5f);
    file.tensors["0.weight"] = io::Tensor::from_floats({8, 1, 3, 2}, values);
  });
  const std::string message = load_error(path);
  EXPECT_NE(message.find("edited.safetensors: layer 0 (conv2d)"), std::string::npos) << message;
  EXPECT_NE(message.find("'0.weight' has shape [8, 1, 3, 2], expected [8, 1, 3, 3]"),
            std::string::npos)
      << message;
}

TEST(NetworkErrors, UnknownLayerTypeListsTheKnownOnes) {
  const test::TempDir dir;
  const auto path = edited(
      dir, [](io::TensorFile& file) { file.metadata["network"]["layers"][2]["type"] = "relu6"; });
  const std::string message = load_error(path);
  EXPECT_NE(message.find("edited.safetensors: layer 2: unknown layer type 'relu6'"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("did you mean 'relu'?"), std::string::npos) << message;
  EXPECT_NE(message.find("known: conv1d, conv2d"), std::string::npos) << message;
}

TEST(NetworkErrors, UnknownLayerInsideABlockNamesItsPath) {
  const test::TempDir dir;
  const auto path = edited(dir, [](io::TensorFile& file) {
    file.metadata["network"]["layers"][3]["body"][2]["type"] = "swish";
  });
  EXPECT_NE(load_error(path).find("layer 3.body.2: unknown layer type 'swish'"), std::string::npos);
}

TEST(NetworkErrors, MissingTensorIsNamed) {
  const test::TempDir dir;
  const auto path =
      edited(dir, [](io::TensorFile& file) { file.tensors.erase("3.body.1.running_var"); });
  const std::string message = load_error(path);
  EXPECT_NE(message.find("layer 3.body.1 (batch_norm): missing tensor '3.body.1.running_var'"),
            std::string::npos)
      << message;
}

TEST(NetworkErrors, TensorNoLayerUsesIsNamed) {
  const test::TempDir dir;
  const auto path = edited(dir, [](io::TensorFile& file) {
    file.tensors["3.body.0.bias"] = io::Tensor::from_floats({8}, std::vector<float>(8, 0.0f));
  });
  EXPECT_NE(load_error(path).find("tensor '3.body.0.bias' is used by no layer"), std::string::npos);
}

TEST(NetworkErrors, WrongDtypeIsNamed) {
  const test::TempDir dir;
  const auto path = edited(dir, [](io::TensorFile& file) {
    file.tensors["0.weight"] = io::Tensor::from_doubles({8, 1, 3, 3}, std::vector<double>(72, 0.0));
  });
  EXPECT_NE(load_error(path).find("'0.weight' is F64, expected F32"), std::string::npos);
}

TEST(NetworkErrors, BadOrMissingFieldNamesLayerAndField) {
  const test::TempDir dir;
  auto path = edited(dir, [](io::TensorFile& file) {
    file.metadata["network"]["layers"][0].erase("in_channels");
  });
  EXPECT_NE(load_error(path).find("layer 0 (conv2d): missing 'in_channels'"), std::string::npos);

  path = edited(dir, [](io::TensorFile& file) {
    file.metadata["network"]["layers"][0]["kernel_size"] = "3";
  });
  std::string message = load_error(path);
  EXPECT_NE(message.find("layer 0 (conv2d): 'kernel_size'"), std::string::npos) << message;

  path = edited(
      dir, [](io::TensorFile& file) { file.metadata["network"]["layers"][0]["kernel_sise"] = 3; });
  message = load_error(path);
  EXPECT_NE(message.find("'kernel_sise'"), std::string::npos) << message;
  EXPECT_NE(message.find("kernel_size"), std::string::npos) << message;
}

TEST(NetworkErrors, SizesPastInt64AreRejectedNotConverted) {
  // Converting them to integers was undefined behaviour (found by fuzz_config): a 1e19 channel
  // count, 2^63 written out, and a 1e105 kernel.
  const test::TempDir dir;
  for (const Json& channels : {Json(1e19), Json(std::uint64_t{9223372036854775808u})}) {
    const auto path = edited(dir, [&](io::TensorFile& file) {
      file.metadata["network"]["layers"][0]["out_channels"] = channels;
    });
    const std::string message = load_error(path);
    EXPECT_NE(message.find("layer 0 (conv2d): 'out_channels' is too large"), std::string::npos)
        << message;
  }
  const auto path = edited(dir, [](io::TensorFile& file) {
    file.metadata["network"]["layers"][0]["kernel_size"] = Json::array({1e105, 3});
  });
  const std::string message = load_error(path);
  EXPECT_NE(message.find("layer 0 (conv2d): 'kernel_size' must hold whole numbers"),
            std::string::npos)
      << message;
}

TEST(NetworkErrors, LayerSizesThatDoNotChainNameTheLayer) {
  const test::TempDir dir;
  // The VGG fixture has a fixed input shape, so the loader runs the sizes through every layer.
  io::TensorFile file = io::read_safetensors(kDataDir + "/arch_vgg.safetensors");
  file.metadata["network"]["input_shape"] = Json::array({1, 30, 24});
  io::write_safetensors(dir / "vgg.safetensors", file);
  const std::string message = load_error(dir / "vgg.safetensors");
  EXPECT_NE(message.find("vgg.safetensors: layer 13 (linear): expects (..., 384), got [1, 336]"),
            std::string::npos)
      << message;
}

TEST(NetworkErrors, NotANetworkModel) {
  const test::TempDir dir;
  auto path = edited(dir, [](io::TensorFile& file) { file.metadata["kind"] = "svm"; });
  EXPECT_NE(load_error(path).find("not a neural-network model"), std::string::npos);
  path = edited(dir, [](io::TensorFile& file) { file.metadata.erase("classes"); });
  EXPECT_NE(load_error(path).find("lacks 'classes'"), std::string::npos);
  path = edited(dir, [](io::TensorFile& file) { file.metadata["output"] = "relu"; });
  EXPECT_NE(load_error(path).find("'output' must be 'softmax'"), std::string::npos);
}

TEST(NetworkErrors, InputOfTheWrongShapeNamesTheFileAndTheLayer) {
  const Network network = Network::load(kResnet);
  try {
    network.forward(Tensor({1, 2, 16, 20}));
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("does not match (N, 1, -1, 20)"), std::string::npos)
        << error.what();
  }
  // Too short for the first convolution of the SampleCNN (kernel 3, stride 3).
  const Network samplecnn = Network::load(kDataDir + "/arch_samplecnn.safetensors");
  try {
    samplecnn.forward(Tensor({1, 1, 2}));
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what())
                  .find("arch_samplecnn.safetensors: layer 0 (conv1d): input [1, 1, 1, 2] is "
                        "smaller than the kernel"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace mirkit::nn
