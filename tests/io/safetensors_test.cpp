#include "mirkit/io/safetensors.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "mirkit/core/error.hpp"
#include "support/temp_dir.hpp"

namespace mirkit::io {
namespace {

TensorFile example() {
  TensorFile file;
  file.metadata = {{"format", "features"}, {"version", 1}};
  const std::vector<float> features = {1.0f, -2.5f, 3.25f, 0.0f, 5.0f, 6.0f};
  const std::vector<std::int64_t> offsets = {0, 1, 3};
  file.tensors["features"] = Tensor::from_floats({3, 2}, features);
  file.tensors["offsets"] = Tensor::from_int64({3}, offsets);
  return file;
}

std::span<const std::byte> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

std::string with_header(const std::string& header, const std::string& data = {}) {
  std::string out(8, '\0');
  const std::uint64_t length = header.size();
  std::memcpy(out.data(), &length, 8);
  return out + header + data;
}

TEST(Safetensors, RoundTripsTensorsAndMetadata) {
  const std::string bytes = encode_safetensors(example());
  const TensorFile back = decode_safetensors(as_bytes(bytes), "x.safetensors");
  EXPECT_EQ(back.metadata, example().metadata);
  ASSERT_EQ(back.tensors.size(), 2u);
  EXPECT_EQ(back.tensors.at("features").shape, (std::vector<std::int64_t>{3, 2}));
  EXPECT_EQ(back.tensors.at("features").to_floats(),
            (std::vector<float>{1.0f, -2.5f, 3.25f, 0.0f, 5.0f, 6.0f}));
  EXPECT_EQ(back.tensors.at("offsets").to_int64(), (std::vector<std::int64_t>{0, 1, 3}));
}

TEST(Safetensors, LayoutIsTheSpecifiedOne) {
  // What any safetensors reader relies on: u64 LE header length, a JSON header whose
  // __metadata__ values are strings, data contiguous in header order, header padded to 8 bytes.
  const std::string bytes = encode_safetensors(example());
  std::uint64_t length = 0;
  std::memcpy(&length, bytes.data(), 8);
  EXPECT_EQ(length % 8, 0u);
  const Json header = Json::parse(bytes.substr(8, length));
  EXPECT_TRUE(header["__metadata__"]["mirkit"].is_string());
  EXPECT_EQ(header["features"]["dtype"], "F32");
  EXPECT_EQ(header["features"]["data_offsets"], Json::array({0, 24}));
  EXPECT_EQ(header["offsets"]["dtype"], "I64");
  EXPECT_EQ(header["offsets"]["data_offsets"], Json::array({24, 48}));
  EXPECT_EQ(bytes.size(), 8 + length + 48);
}

TEST(Safetensors, SameContentGivesSameBytes) {
  EXPECT_EQ(encode_safetensors(example()), encode_safetensors(example()));
}

TEST(Safetensors, ConvertsOnlyWhereExact) {
  const TensorFile file = example();
  EXPECT_EQ(file.tensors.at("features").to_doubles().at(2), 3.25);
  EXPECT_THROW(file.tensors.at("offsets").to_floats("offsets"), Error);
  EXPECT_THROW(file.tensors.at("features").to_int64("features"), Error);
}

TEST(Safetensors, EmptyTensorsAreFine) {
  TensorFile file;
  file.tensors["none"] = Tensor::from_floats({0, 4}, {});
  const TensorFile back = decode_safetensors(as_bytes(encode_safetensors(file)), "x");
  EXPECT_EQ(back.tensors.at("none").elements(), 0);
}

void expect_rejected(const std::string& bytes, const std::string& needle) {
  try {
    decode_safetensors(as_bytes(bytes), "bad.safetensors");
    FAIL() << "accepted a bad file; expected an error mentioning '" << needle << "'";
  } catch (const Error& error) {
    EXPECT_EQ(error.file(), "bad.safetensors");
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  }
}

TEST(Safetensors, RejectsBadFilesWithTheReason) {
  expect_rejected("", "shorter than the 8-byte");
  expect_rejected(with_header("{}").substr(0, 9), "does not fit");
  expect_rejected(with_header("not json"), "not JSON");
  expect_rejected(with_header("[1,2]"), "not a JSON object");
  expect_rejected(with_header(R"({"t":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}})",
                              std::string(2, '\0')),
                  "unsupported dtype");
  expect_rejected(with_header(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                              std::string(4, '\0')),
                  "outside the file");
  expect_rejected(with_header(R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})",
                              std::string(8, '\0')),
                  "needs 12 bytes");
  expect_rejected(with_header(R"({"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})",
                              std::string(4, '\0')),
                  "negative");
  expect_rejected(with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                              R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                              std::string(8, '\0')),
                  "overlap");
  expect_rejected(with_header(R"({"t":{"dtype":"F32","shape":[4294967296,4294967296,4]},)"
                              R"("u":1})"),
                  "lacks");
  expect_rejected(
      with_header(R"({"t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})"),
      "too large");
  // An empty tensor with an extent past int64: Tensor::shape would hold a negative extent.
  expect_rejected(
      with_header(R"({"t":{"dtype":"F32","shape":[0,9223372036854775808],"data_offsets":[0,0]}})"),
      "too large");
  expect_rejected(with_header(R"({"__metadata__":{"mirkit":"{oops"}})"), "metadata is not JSON");
}

TEST(Safetensors, WritesAndReadsFiles) {
  test::TempDir dir;
  write_safetensors(dir / "a.safetensors", example());
  const TensorFile back = read_safetensors(dir / "a.safetensors");
  EXPECT_EQ(back.tensors.at("features").to_floats().size(), 6u);
  const TensorFile header = read_safetensors_header(dir / "a.safetensors");
  EXPECT_EQ(header.metadata["format"], "features");
  EXPECT_EQ(header.tensors.at("features").shape, (std::vector<std::int64_t>{3, 2}));
  EXPECT_TRUE(header.tensors.at("features").bytes.empty());
}

TEST(Safetensors, TruncatedFileIsAnErrorNamingIt) {
  test::TempDir dir;
  const std::string bytes = encode_safetensors(example());
  test::write_bytes(dir / "cut.safetensors", bytes.substr(0, bytes.size() - 5));
  try {
    read_safetensors(dir / "cut.safetensors");
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("cut.safetensors"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("truncated"), std::string::npos);
  }
  EXPECT_THROW(read_safetensors(dir.path()), Error);
  EXPECT_THROW(read_safetensors(dir / "missing.safetensors"), Error);
}

}  // namespace
}  // namespace mirkit::io
