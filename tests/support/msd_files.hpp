// Per-track HDF5 files laid out as the Million Song Dataset's (written by PyTables there): the
// groups /analysis, /metadata and /musicbrainz, each with a one-row compound table "songs"
// (fixed-length, null-padded strings), and the segment arrays under /analysis.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mirkit::test {

struct MsdTrack {
  std::string track_id;   // "TRAAAAW128F429D538"
  std::string artist_id;  // "ARD7TVE1187B99BFB1"
  double duration = 0;    // seconds
  std::vector<double> segment_starts;
  std::vector<double> timbre;   // segments × 12
  std::vector<double> pitches;  // segments × 12
  std::vector<double> loudness_max;
};

// Writes `track` to `path`. Throws std::runtime_error if HDF5 cannot.
void write_msd_track(const std::filesystem::path& path, const MsdTrack& track);

}  // namespace mirkit::test
