#include "support/msd_files.hpp"

#include <hdf5.h>

#include <cstring>
#include <stdexcept>

namespace mirkit::test {
namespace {

void check(herr_t status, const char* what) {
  if (status < 0) throw std::runtime_error(std::string("HDF5: cannot ") + what);
}

hid_t fixed_string(std::size_t size) {
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, size);
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  return type;
}

void write_array(hid_t group, const char* name, const std::vector<double>& values,
                 std::vector<hsize_t> dims) {
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t data =
      H5Dcreate2(group, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (!values.empty())
    check(H5Dwrite(data, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "write an array");
  H5Dclose(data);
  H5Sclose(space);
}

// A one-row table of (name, 32-byte string) and (name, double) fields, as PyTables writes them.
struct Field {
  const char* name;
  std::string text;  // a string field when `number` is unused
  double number = 0;
  bool is_number = false;
};

void write_table(hid_t group, const std::vector<Field>& fields) {
  constexpr std::size_t kWidth = 32;
  const hid_t text = fixed_string(kWidth);
  const hid_t row = H5Tcreate(H5T_COMPOUND, fields.size() * kWidth);
  std::vector<char> bytes(fields.size() * kWidth, 0);
  for (std::size_t f = 0; f < fields.size(); ++f) {
    const std::size_t offset = f * kWidth;
    if (fields[f].is_number) {
      H5Tinsert(row, fields[f].name, offset, H5T_NATIVE_DOUBLE);
      std::memcpy(bytes.data() + offset, &fields[f].number, sizeof(double));
    } else {
      H5Tinsert(row, fields[f].name, offset, text);
      std::memcpy(bytes.data() + offset, fields[f].text.data(),
                  std::min(fields[f].text.size(), kWidth));
    }
  }
  const hsize_t one = 1;
  const hid_t space = H5Screate_simple(1, &one, nullptr);
  const hid_t data = H5Dcreate2(group, "songs", row, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  check(H5Dwrite(data, row, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), "write a table");
  H5Dclose(data);
  H5Sclose(space);
  H5Tclose(row);
  H5Tclose(text);
}

}  // namespace

void write_msd_track(const std::filesystem::path& path, const MsdTrack& track) {
  std::filesystem::create_directories(path.parent_path());
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) throw std::runtime_error("HDF5: cannot create " + path.string());
  const hid_t analysis = H5Gcreate2(file, "/analysis", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t metadata = H5Gcreate2(file, "/metadata", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t musicbrainz = H5Gcreate2(file, "/musicbrainz", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t n = track.segment_starts.size();
  write_table(analysis, {{"analysis_sample_rate", "", 22050, true},
                         {"audio_md5", "a0f9e1c2b3d4e5f60718293a4b5c6d7e"},
                         {"duration", "", track.duration, true},
                         {"tempo", "", 120.0, true},
                         {"track_id", track.track_id}});
  write_table(metadata, {{"artist_id", track.artist_id},
                         {"artist_name", "An Artist"},
                         {"song_id", "SOMZWCG12A8C13C480"},
                         {"title", "A Title"}});
  write_table(musicbrainz, {{"year", "", 1999, true}});
  write_array(analysis, "segments_start", track.segment_starts, {n});
  write_array(analysis, "segments_timbre", track.timbre, {n, 12});
  write_array(analysis, "segments_pitches", track.pitches, {n, 12});
  write_array(analysis, "segments_loudness_max", track.loudness_max, {n});
  H5Gclose(musicbrainz);
  H5Gclose(metadata);
  H5Gclose(analysis);
  check(H5Fclose(file), "close the file");
}

}  // namespace mirkit::test
