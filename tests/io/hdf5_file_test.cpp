// Hdf5File reads what the Million Song Dataset's files hold: arrays and the fields of a table.
#include "mirkit/io/hdf5_file.hpp"

#include <gtest/gtest.h>

#include "mirkit/core/error.hpp"
#include "support/msd_files.hpp"
#include "support/temp_dir.hpp"

namespace mirkit::io {
namespace {

TEST(Hdf5File, ReadsArraysAndTheFieldsOfATable) {
  test::TempDir dir;
  test::MsdTrack track{"TRAAAAW128F429D538", "ARD7TVE1187B99BFB1", 218.93, {0.0, 0.25}, {}, {},
                       {-20.5, -18.25}};
  for (int v = 0; v < 24; ++v) {
    track.timbre.push_back(v);
    track.pitches.push_back(v / 24.0);
  }
  test::write_msd_track(dir / "t.h5", track);
  const Hdf5File file(dir / "t.h5");
  const Hdf5File::Array timbre = file.read("/analysis/segments_timbre");
  EXPECT_EQ(timbre.shape, (std::vector<std::uint64_t>{2, 12}));
  EXPECT_EQ(timbre.values[13], 13.0) << "row-major";
  EXPECT_EQ(file.read("/analysis/segments_loudness_max").values,
            (std::vector<double>{-20.5, -18.25}));
  // Fixed-length strings come back without their padding; numbers as the shortest exact text.
  EXPECT_EQ(file.read_field("/analysis/songs", "track_id"), "TRAAAAW128F429D538");
  EXPECT_EQ(file.read_field("/metadata/songs", "artist_id"), "ARD7TVE1187B99BFB1");
  EXPECT_EQ(std::stod(file.read_field("/analysis/songs", "duration")), 218.93);
  EXPECT_EQ(file.read_number("/analysis/songs", "duration"), 218.93);
  EXPECT_TRUE(file.has("/analysis/segments_start"));
  EXPECT_FALSE(file.has("/analysis/nothing"));
  EXPECT_FALSE(file.has("/nowhere/nothing"));
}

TEST(Hdf5File, FailuresNameTheFileAndWhatWasMissing) {
  test::TempDir dir;
  test::write_msd_track(dir / "t.h5", {"TRAAAAW128F429D538", "AR", 1.0, {0.0}, {}, {}, {0.0}});
  const Hdf5File file(dir / "t.h5");
  try {
    file.read("/analysis/bars_start");
    FAIL() << "read a dataset that is not there";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::input);
    EXPECT_EQ(error.file(), (dir / "t.h5").string());
    EXPECT_EQ(error.cause(), "no dataset /analysis/bars_start");
  }
  EXPECT_THROW(file.read_field("/analysis/songs", "no_such_field"), Error);
  EXPECT_THROW(file.read_number("/analysis/songs", "track_id"), Error) << "text, not a number";
  EXPECT_THROW(file.read_field("/analysis/songs", "track_id", 1), Error) << "one row only";
  test::write_bytes(dir / "junk.h5", "not HDF5");
  EXPECT_THROW(Hdf5File(dir / "junk.h5"), Error);
  EXPECT_THROW(Hdf5File(dir / "absent.h5"), Error);
}

}  // namespace
}  // namespace mirkit::io
