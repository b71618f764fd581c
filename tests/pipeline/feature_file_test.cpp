#include "mirkit/pipeline/feature_file.hpp"

#include <gtest/gtest.h>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/io/safetensors.hpp"
#include "mirkit/pipeline/feature_ops.hpp"
#include "support/temp_dir.hpp"

namespace mirkit::pipeline {
namespace {

FeatureFile frames_file() {
  FeatureFile file;
  file.layout = FeatureLayout::frames;
  file.names = {"a", "b"};
  file.config = {{"output", "frames"}};
  file.config_hash = "0123456789abcdef";
  file.mirkit_version = "0.1.0";
  file.run_inputs = 2;
  file.run_inputs_hash = "feedfacefeedface";
  for (int i = 0; i < 2; ++i) {
    FeatureItem item;
    item.path = "x" + std::to_string(i) + ".wav";
    item.labels = {i ? "b" : "a"};
    item.group = "g" + std::to_string(i);
    item.index = i;
    file.items.push_back(item);
  }
  file.values = dsp::Matrix::Random(5, 2);
  file.offsets = {0, 3, 5};
  return file;
}

TEST(FeatureFile, RoundTripsFrameSequences) {
  const FeatureFile file = frames_file();
  const FeatureFile back = decode_feature_file(encode_feature_file(file), "f");
  EXPECT_EQ(back.layout, FeatureLayout::frames);
  EXPECT_EQ(back.values, file.values);
  EXPECT_EQ(back.offsets, file.offsets);
  EXPECT_EQ(back.items[1].group, "g1");
  EXPECT_EQ(back.rows_of(1).rows(), 2);
  EXPECT_EQ(encode_feature_file(back), encode_feature_file(file)) << "stable bytes";
}

// frames_file() in `layout` (pooled: one row per item).
FeatureFile file_of(FeatureLayout layout) {
  FeatureFile file = frames_file();
  file.layout = layout;
  if (layout == FeatureLayout::pooled) {
    file.values = dsp::Matrix::Random(2, 2);
    file.offsets = {0, 1, 2};
  }
  return file;
}

// The rows of `file` given to a FeatureFileWriter in parts of `part` rows.
void write_in_parts(const std::filesystem::path& path, const FeatureFile& file, Eigen::Index part) {
  FeatureFileWriter writer(path, file);
  for (Eigen::Index row = 0; row < file.values.rows(); row += part) {
    const dsp::Matrix rows = file.values.middleRows(row, std::min(part, file.values.rows() - row));
    writer.append_rows({rows.data(), static_cast<std::size_t>(rows.size())});
  }
  writer.commit();
}

TEST(FeatureFileWriter, WritesEncodeFeatureFilesBytesForEveryLayout) {
  test::TempDir dir;
  for (const FeatureLayout layout :
       {FeatureLayout::frames, FeatureLayout::segments, FeatureLayout::pooled}) {
    SCOPED_TRACE(to_string(layout));
    const FeatureFile file = file_of(layout);
    write_in_parts(dir / "f.safetensors", file, 2);
    EXPECT_EQ(read_file(dir / "f.safetensors"), encode_feature_file(file));
  }
}

TEST(FeatureFileWriter, TooFewOrTooManyRowsLeaveNoFile) {
  test::TempDir dir;
  const FeatureFile file = frames_file();
  {
    FeatureFileWriter writer(dir / "f.safetensors", file);
    const dsp::Matrix rows = file.values.topRows(4);
    writer.append_rows({rows.data(), static_cast<std::size_t>(rows.size())});
    EXPECT_THROW(writer.commit(), Error);
  }
  {
    FeatureFileWriter writer(dir / "f.safetensors", file);
    const dsp::Matrix rows = dsp::Matrix::Zero(6, 2);
    EXPECT_THROW(writer.append_rows({rows.data(), static_cast<std::size_t>(rows.size())}), Error);
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "no output, no temporary left";
}

TEST(FeatureFileReader, ReadsEachItemsRowsFromDiskForEveryLayout) {
  test::TempDir dir;
  for (const FeatureLayout layout :
       {FeatureLayout::frames, FeatureLayout::segments, FeatureLayout::pooled}) {
    SCOPED_TRACE(to_string(layout));
    const FeatureFile file = file_of(layout);
    write_feature_file(dir / "f.safetensors", file);
    const FeatureFileReader reader(dir / "f.safetensors");
    EXPECT_EQ(reader.header().offsets, file.offsets);
    EXPECT_EQ(reader.header().items.size(), 2u);
    EXPECT_EQ(reader.header().values.size(), 0) << "the rows stay on disk";
    for (std::size_t item = 0; item < 2; ++item)
      EXPECT_EQ(reader.rows_of(item), file.rows_of(item));
  }
}

TEST(FeatureFileReader, ATruncatedOrForeignFileIsAnInputErrorNamingIt) {
  test::TempDir dir;
  const std::string bytes = encode_feature_file(frames_file());
  test::write_bytes(dir / "cut.safetensors", bytes.substr(0, bytes.size() - 9));
  EXPECT_THROW(
      try { FeatureFileReader reader(dir / "cut.safetensors"); } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::input);
        EXPECT_NE(std::string(error.what()).find("cut.safetensors"), std::string::npos);
        throw;
      },
      Error);
  io::TensorFile model;
  model.metadata = {{"format", "model"}};
  io::write_safetensors(dir / "model.safetensors", model);
  EXPECT_THROW(FeatureFileReader reader(dir / "model.safetensors"), Error);
}

TEST(FeatureFile, RejectsIntegersOutOfTheirRange) {
  // A version or an item index of 1e300 (or a shard index of 2^40): converting them to their
  // integer type was undefined behaviour (found by fuzzing); each is a field of the wrong type.
  const std::string bytes = encode_feature_file(frames_file());
  io::TensorFile file =
      io::decode_safetensors({reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()}, "f");
  const auto expect_rejected = [](io::TensorFile edited, const std::string& field) {
    try {
      decode_feature_file(io::encode_safetensors(edited), "f.safetensors");
      FAIL() << field << " accepted";
    } catch (const Error& error) {
      EXPECT_NE(error.cause().find("metadata field '" + field + "' has the wrong type"),
                std::string::npos)
          << error.what();
    }
  };
  io::TensorFile edited = file;
  edited.metadata["version"] = 1e300;
  expect_rejected(edited, "version");
  edited = file;
  edited.metadata["items"][0]["index"] = 1e300;
  expect_rejected(edited, "index");
  edited = file;
  edited.metadata["run"]["shard"] = Json::array({std::int64_t{1} << 40, 2});
  expect_rejected(edited, "shard");
}

TEST(FeatureFile, RejectsOtherFilesAndBadShapes) {
  io::TensorFile model;
  model.metadata = {{"format", "model"}};
  const std::string bytes = io::encode_safetensors(model);
  try {
    decode_feature_file(bytes, "m.safetensors");
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("is a mirkit model file, not a feature file"),
              std::string::npos);
  }
  FeatureFile bad = frames_file();
  bad.offsets = {0, 4, 3};
  EXPECT_THROW(encode_feature_file(bad), Error);
  bad.offsets = {0, 3};
  EXPECT_THROW(encode_feature_file(bad), Error);
}

TEST(FeatureOps, MergingFilesOnDiskGivesTheBytesOfMergingThemInMemory) {
  test::TempDir dir;
  FeatureFile a = frames_file(), b = frames_file();
  for (FeatureItem& item : b.items)
    item.path = "other/" + item.path;
  b.values = dsp::Matrix::Random(5, 2);
  write_feature_file(dir / "a.safetensors", a);
  write_feature_file(dir / "b.safetensors", b);
  const FeatureFile in_memory = merge_feature_files({a, b}, {"a", "b"});
  const auto items = merge_feature_files({dir / "a.safetensors", dir / "b.safetensors"},
                                         dir / "merged.safetensors");
  ASSERT_EQ(items, std::optional<std::size_t>(4));
  EXPECT_EQ(read_file(dir / "merged.safetensors"), encode_feature_file(in_memory));
  const auto refused = merge_feature_files({dir / "a.safetensors"}, dir / "no.safetensors",
                                           [](const std::vector<FeatureFile>&) { return false; });
  EXPECT_FALSE(refused.has_value());
  EXPECT_FALSE(std::filesystem::exists(dir / "no.safetensors"));
}

TEST(FeatureOps, SplitIsSeededAndExact) {
  FeatureFile file;
  file.names = {"v"};
  for (int i = 0; i < 10; ++i) {
    FeatureItem item;
    item.path = std::to_string(i);
    item.labels = {i < 5 ? "a" : "b"};
    file.items.push_back(item);
    file.offsets.push_back(i);
  }
  file.offsets.push_back(10);
  file.values = dsp::Matrix::Zero(10, 1);
  for (int i = 0; i < 10; ++i)
    file.values(i, 0) = static_cast<float>(i);
  const SplitResult one = split_feature_file(file, {0.3, true, false, 9});
  const SplitResult again = split_feature_file(file, {0.3, true, false, 9});
  EXPECT_EQ(one.test.values, again.test.values);
  ASSERT_EQ(one.test.items.size(), 4u) << "stratified: round(5 × 0.3) = 2 of each class";
  EXPECT_EQ(one.train.items.size(), 6u);
  int a = 0;
  for (const auto& item : one.test.items)
    a += item.labels[0] == "a";
  EXPECT_EQ(a, 2);
  EXPECT_THROW(split_feature_file(file, {1.0, false, false, 0}), Error);
}

}  // namespace
}  // namespace mirkit::pipeline
