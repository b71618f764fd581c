// The Million Song Dataset (Bertin-Mahieux et al. 2011): one HDF5 file per track,
// <ROOT>/[data/]A/B/C/TRABC…….h5, holding the Echo Nest analysis, not audio. Read here straight
// into a feature file: each segment's timbre (12 coefficients), pitches (12 chroma values, C to B)
// and loudness (its maximum, dB), from /analysis/segments_{start,timbre,pitches,loudness_max};
// the track id from /analysis/songs, the duration from the same table, the artist (the group)
// from /metadata/songs.
//
// Segments have uneven lengths (about 0.1 to 0.5 s); each is held over its span onto a regular
// grid (the `frames` layout), and the pooled layout takes the usual statistics of that grid, so
// a long segment counts for its length. Labels come from a tab-separated file of track id and
// genre, as the MSD's genre annotations are distributed (tagtraum's msd_tagtraum_cd1/cd2/cd2c
// .cls, the MSD Allmusic Genre Dataset's msd-MAGD-genreAssignment.cls): '#' lines are comments,
// columns after the genre (cd1's minority genre) are not used.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "mirkit/core/error.hpp"
#include "mirkit/core/hash.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/features/pooling.hpp"
#include "mirkit/io/hdf5_file.hpp"
#include "mirkit/pipeline/dataset.hpp"
#include "mirkit/version.hpp"

namespace mirkit::pipeline {
namespace {

namespace fs = std::filesystem;

// The grid's default hop: about the shortest segments, so that none is lost.
constexpr double kDefaultHopSeconds = 0.1;

const char* const kPitchClasses[] = {"C",  "C#", "D",  "D#", "E",  "F",
                                     "F#", "G",  "G#", "A",  "A#", "B"};

std::vector<std::string> dimension_names() {
  std::vector<std::string> names;
  for (int c = 1; c <= 12; ++c)
    names.push_back("timbre_" + std::string(c < 10 ? "0" : "") + std::to_string(c));
  for (const char* pitch : kPitchClasses)
    names.push_back(std::string("pitch_") + pitch);
  names.push_back("loudness_max");
  return names;
}

// track id → genre.
std::map<std::string, std::string> read_labels(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw usage_error("dataset msd: --labels " + file.string() + " cannot be read");
  std::map<std::string, std::string> labels;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    const auto tab = line.find('\t');
    const std::string track = line.substr(0, tab);
    const std::string genre =
        tab == std::string::npos ? "" : line.substr(tab + 1, line.find('\t', tab + 1) - tab - 1);
    if (track.size() != 18 || !track.starts_with("TR") || genre.empty()) {
      throw usage_error("dataset msd: " + file.string() + ":" + std::to_string(number) +
                        ": expected a track id (TR…, 18 characters), a tab and a genre");
    }
    labels.emplace(track, genre);
  }
  return labels;
}

// The per-track files under root, in a stable order.
std::vector<fs::path> track_files(const fs::path& root) {
  std::vector<fs::path> files;
  std::error_code code;
  for (auto it = fs::recursive_directory_iterator(root, code);
       !code && it != fs::recursive_directory_iterator(); it.increment(code)) {
    if (it->is_regular_file(code) && it->path().extension() == ".h5" &&
        it->path().filename().string().starts_with("TR"))
      files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct Track {
  std::string id, artist;
  double duration_s = 0;
  dsp::Matrix frames;  // grid rows × 25
};

Track read_track(const fs::path& path, double hop_s) {
  const io::Hdf5File file(path);
  Track track;
  track.id = file.has("/analysis/songs") ? file.read_field("/analysis/songs", "track_id")
                                         : path.stem().string();
  if (track.id.empty()) track.id = path.stem().string();
  if (file.has("/metadata/songs")) track.artist = file.read_field("/metadata/songs", "artist_id");
  const io::Hdf5File::Array starts = file.read("/analysis/segments_start");
  const io::Hdf5File::Array timbre = file.read("/analysis/segments_timbre");
  const io::Hdf5File::Array pitches = file.read("/analysis/segments_pitches");
  const io::Hdf5File::Array loudness = file.read("/analysis/segments_loudness_max");
  const std::size_t n = starts.values.size();
  const auto per_segment = [&](const io::Hdf5File::Array& a, std::uint64_t width) {
    return a.values.size() == n * width &&
           (width == 1 || (a.shape.size() == 2 && a.shape[1] == width));
  };
  if (n == 0)
    throw Error("no segments (/analysis/segments_start is empty)", ErrorKind::input, path.string());
  if (!per_segment(timbre, 12) || !per_segment(pitches, 12) || !per_segment(loudness, 1)) {
    throw Error("the segments' timbre, pitches and loudness are not " + std::to_string(n) +
                    " rows of 12, 12 and 1",
                ErrorKind::input, path.string());
  }
  const double last_start = starts.values.back();
  track.duration_s = file.read_number("/analysis/songs", "duration");
  if (!std::isfinite(track.duration_s) || track.duration_s <= last_start)
    track.duration_s = last_start + hop_s;  // a track whose table lacks it: up to the last segment
  const auto rows = static_cast<Eigen::Index>(std::max(1.0, std::floor(track.duration_s / hop_s)));
  track.frames.resize(rows, 25);
  std::size_t segment = 0;
  for (Eigen::Index r = 0; r < rows; ++r) {
    const double t = static_cast<double>(r) * hop_s;
    while (segment + 1 < n && starts.values[segment + 1] <= t)
      ++segment;
    for (int c = 0; c < 12; ++c) {
      track.frames(r, c) = static_cast<float>(timbre.values[segment * 12 + c]);
      track.frames(r, 12 + c) = static_cast<float>(pitches.values[segment * 12 + c]);
    }
    track.frames(r, 24) = static_cast<float>(loudness.values[segment]);
  }
  return track;
}

FeatureFile read_msd(const DatasetOptions& options, DatasetDefinition::FeatureReport& report) {
  if (options.labels.empty()) {
    throw usage_error(
        "dataset msd: --labels names the genre file to join (tab-separated track "
        "id and genre, e.g. tagtraum's msd_tagtraum_cd2c.cls)");
  }
  const std::map<std::string, std::string> labels = read_labels(options.labels);
  const std::vector<fs::path> files = track_files(options.root);
  if (files.empty()) {
    throw usage_error("dataset msd: " + options.root.string() +
                      " does not look like the Million Song Dataset: expected its per-track "
                      "files, e.g. " +
                      (options.root / "data" / "A" / "A" / "A" / "TRAAAAW128F429D538.h5").string());
  }
  const double hop_s = options.hop_s > 0 ? options.hop_s : kDefaultHopSeconds;
  const bool pooled = options.layout == "pooled";
  const features::PoolingSettings pooling;  // the usual statistics: the recipes' default
  std::vector<features::Statistic> statistics;
  for (const std::string& name : pooling.stats)
    statistics.push_back(features::parse_statistic(name));

  FeatureFile out;
  out.layout = pooled ? FeatureLayout::pooled : FeatureLayout::frames;
  out.names = pooled ? features::pooled_names(dimension_names(), statistics) : dimension_names();
  out.config = {{"dataset", "msd"},
                {"source", "Echo Nest segments: timbre, pitches, loudness_max"},
                {"grid_hop_s", hop_s},
                {"output", options.layout}};
  if (pooled) out.config["pooling"] = {{"stats", pooling.stats}};
  out.config_hash = to_hex(fnv1a64(out.config.dump()));
  out.mirkit_version = kVersion;
  out.offsets.push_back(0);
  std::vector<dsp::Matrix> rows;
  std::size_t unlabelled = 0;
  std::map<std::string, std::string> seen;  // track id → the file it came from
  for (const fs::path& path : files) {
    Track track;
    try {
      track = read_track(path, hop_s);
    } catch (const Error& error) {
      report.errors.push_back(error.with_file(path.string()));
      continue;
    }
    const std::string shown = fs::relative(path, options.root).string();
    const auto label = labels.find(track.id);
    if (label == labels.end()) {
      ++unlabelled;
      continue;
    }
    if (const auto [first, added] = seen.emplace(track.id, shown); !added) {
      report.notes.push_back(shown + ": track " + track.id + " again (first " + first->second +
                             "), left out");
      continue;
    }
    FeatureItem item;
    item.path = shown;
    item.labels = {label->second};
    item.group = track.artist;
    item.duration_s = track.duration_s;
    item.index = static_cast<std::int64_t>(out.items.size());
    out.items.push_back(std::move(item));
    if (pooled) {
      const std::vector<float> vector = features::pool(track.frames, statistics);
      rows.push_back(Eigen::Map<const dsp::Matrix>(vector.data(), 1,
                                                   static_cast<Eigen::Index>(vector.size())));
    } else {
      rows.push_back(std::move(track.frames));
    }
    out.offsets.push_back(out.offsets.back() + rows.back().rows());
  }
  out.values.resize(out.offsets.back(), static_cast<Eigen::Index>(out.names.size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.values.middleRows(out.offsets[i], rows[i].rows()) = rows[i];
  // The run's inputs: every per-track file read, named in order (what merge() checks shards by).
  out.run_inputs = static_cast<std::int64_t>(out.items.size());
  std::string names;
  for (const FeatureItem& item : out.items)
    names += item.path + "\n";
  out.run_inputs_hash = to_hex(fnv1a64(names));
  if (unlabelled > 0) {
    const std::size_t read = files.size() - report.errors.size();
    report.notes.push_back(std::to_string(unlabelled) + " of " + std::to_string(read) +
                           " tracks read " + (unlabelled == 1 ? "has" : "have") + " no label in " +
                           options.labels.string() + ", left out");
  }
  const std::size_t found = seen.size();
  if (found < labels.size()) {
    report.notes.push_back(std::to_string(labels.size() - found) + " of the " +
                           std::to_string(labels.size()) + " labelled tracks are not under " +
                           options.root.string());
  }
  return out;
}

}  // namespace

DatasetDefinition msd_definition() {
  DatasetDefinition d;
  d.name = "msd";
  d.description =
      "Million Song Dataset (ROOT/[data/]A/B/C/TR….h5, HDF5, features not audio) with "
      "--labels FILE (track id, genre): a feature file of the segments' timbre, pitches and "
      "loudness";
  d.splits = {"none"};
  d.read_features = read_msd;
  return d;
}

}  // namespace mirkit::pipeline
