// MTG-Jamendo (Bogdanov et al. 2019, github.com/MTG/mtg-jamendo-dataset): the repository's
// data/ folder — autotagging.tsv and its subsets autotagging_{genre,instrument,moodtheme,
// top50tags}.tsv, and five splits, data/splits/split-N/<subset>-{train,validation,test}.tsv —
// beside the audio as its download script unpacks it (NN/<id>.mp3, or NN/<id>.low.mp3 for the
// low-quality copy).
//
// Every .tsv is tab-separated without quoting: TRACK_ID, ARTIST_ID, ALBUM_ID, PATH, DURATION,
// then one field per tag ("genre---rock", "mood/theme---sad"). The splits keep each artist on one
// side (the group here is the artist); split-0 is the one papers report.
#include <fstream>
#include <set>

#include "dataset_files.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/pipeline/dataset.hpp"

namespace mirkit::pipeline {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kTagSets = {"top50", "genre", "instrument", "moodtheme", "all"};
const std::vector<std::string> kSplits = {"split-0", "split-1", "split-2", "split-3", "split-4"};

// "moodtheme" → "autotagging_moodtheme"; "all" → "autotagging".
std::string table_name(const std::string& tags) {
  if (tags == "all") return "autotagging";
  return "autotagging_" + (tags == "top50" ? std::string("top50tags") : tags);
}

std::vector<std::string> tab_fields(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
    fields.push_back(line.substr(start, tab - start));
  fields.push_back(line.substr(start));
  return fields;
}

struct Track {
  std::string id, artist, path;
  std::vector<std::string> tags;
};

std::vector<Track> read_table(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw usage_error("dataset mtg-jamendo: cannot read " + file.string());
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = tab_fields(line);
  if (header.size() < 6 || header[0] != "TRACK_ID" || header[3] != "PATH") {
    throw usage_error("dataset mtg-jamendo: " + file.string() +
                      ": line 1: expected the tab-separated header TRACK_ID, ARTIST_ID, "
                      "ALBUM_ID, PATH, DURATION, TAGS");
  }
  std::vector<Track> tracks;
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    if (line.empty() || line == "\r") continue;
    std::vector<std::string> fields = tab_fields(line);
    if (fields.size() < 5) {
      throw usage_error("dataset mtg-jamendo: " + file.string() + ": line " +
                        std::to_string(number) + ": " + std::to_string(fields.size()) +
                        " fields, expected TRACK_ID, ARTIST_ID, ALBUM_ID, PATH, DURATION and tags");
    }
    Track track{fields[0], fields[1], fields[3], {}};
    for (std::size_t t = 5; t < fields.size(); ++t)
      if (!fields[t].empty()) track.tags.push_back(fields[t]);
    tracks.push_back(std::move(track));
  }
  return tracks;
}

DatasetManifest read_mtg_jamendo(const fs::path& root, const std::string& split,
                                 const std::string& tags) {
  // The repository's data/ folder: under ROOT (a clone) or ROOT itself.
  std::error_code code;
  const fs::path data = fs::is_directory(root / "data" / "splits", code) ? root / "data" : root;
  const fs::path splits = data / "splits" / split;
  const std::string table = table_name(tags);
  const fs::path first = splits / (table + "-train.tsv");
  if (!fs::is_regular_file(first, code)) {
    throw usage_error("dataset mtg-jamendo: " + root.string() +
                      " does not look like MTG-Jamendo: expected " +
                      (root / "data" / "splits" / split / (table + "-train.tsv")).string());
  }
  struct Part {
    const char* file;
    const char* split;
  };
  std::vector<std::pair<Track, std::string>> listed;
  for (const Part part :
       {Part{"train", "train"}, Part{"validation", "validation"}, Part{"test", "test"}}) {
    for (Track& track : read_table(splits / (table + "-" + part.file + ".tsv")))
      listed.emplace_back(std::move(track), part.split);
  }
  const fs::path audio = find_audio_folder(root, {"", "audio", "raw_30s/audio", "mp3"},
                                           listed.empty() ? "" : listed.front().first.path);
  DatasetManifest manifest;
  manifest.multi_label = true;
  std::set<std::string> seen;
  for (const auto& [track, part] : listed) {
    if (!seen.insert(track.id).second) {
      manifest.notes.push_back(track.path + ": " + track.id +
                               " listed twice in the split's files, the second left out");
      continue;
    }
    if (track.tags.empty()) {
      manifest.notes.push_back(track.path + ": no tag, left out");
      continue;
    }
    fs::path path = audio / track.path;
    const fs::path low = fs::path(path).replace_extension(".low.mp3");
    if (!fs::exists(path, code) && fs::exists(low, code)) path = low;
    if (const auto why = unusable_file(path)) {
      manifest.notes.push_back(track.path + ": " + *why + ", left out");
      continue;
    }
    manifest.items.push_back({path.string(), track.tags, track.artist, part});
  }
  return manifest;
}

}  // namespace

DatasetDefinition mtg_jamendo_definition() {
  return {"mtg-jamendo",
          "MTG-Jamendo (ROOT/data/splits/split-N/autotagging*-{train,validation,test}.tsv, "
          "clips in ROOT/NN/<id>.mp3): top-50, genre, instrument, mood/theme or all tags",
          kSplits, kTagSets, read_mtg_jamendo};
}

}  // namespace mirkit::pipeline
