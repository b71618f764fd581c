// FMA, the Free Music Archive data set (Defferrard et al. 2017, github.com/mdeff/fma):
// fma_metadata/tracks.csv — a CSV whose header is two rows (a column's group: "track", "album",
// "artist", "set"; then its name: "genre_top", "split", …) and, as pandas writes it, a third row
// "track_id" — and the 30-second clips as fma_<subset>/NNN/NNNNNN.mp3 (the track id on six
// digits, its first three naming the folder).
//
// The subsets nest: small (8,000 clips, 8 balanced genres) ⊂ medium (25,000, 16 genres) ⊂ large
// (106,574); ("set", "subset") names the smallest one a track belongs to, ("set", "split") the
// official training / validation / test split, which keeps each artist on one side. Single label:
// ("track", "genre_top"), empty for a track whose genres have several roots (left out, noted).
// Tags: ("track", "genres_all"), a list of genre ids named by fma_metadata/genres.csv.
// The three clips of fma_small without audio (mdeff/fma issue 41) are noted and left out.
#include <algorithm>
#include <fstream>
#include <map>

#include "dataset_files.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/io/audio_source.hpp"
#include "mirkit/io/csv.hpp"
#include "mirkit/pipeline/dataset.hpp"

namespace mirkit::pipeline {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kSubsets = {"small", "medium", "large"};

// Clips of fma_small whose MP3 holds no audio (github.com/mdeff/fma issue 41 and its wiki page).
constexpr int kWithoutAudio[] = {99134, 108925, 133297};

std::string error_prefix(const std::string& subset) {
  return "dataset fma-" + subset + ": ";
}

// The column whose two header rows read (group, name).
std::size_t column(const std::vector<std::string>& groups, const std::vector<std::string>& names,
                   const std::string& group, const std::string& name, const fs::path& file,
                   const std::string& subset) {
  for (std::size_t c = 0; c < groups.size() && c < names.size(); ++c)
    if (groups[c] == group && names[c] == name) return c;
  throw usage_error(error_prefix(subset) + file.string() + ": no column (" + group + ", " + name +
                    ") in its two header rows");
}

// "[21, 12]" → {21, 12}.
std::vector<int> genre_ids(const std::string& list) {
  std::vector<int> ids;
  std::string digits;
  for (const char c : list + ",") {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (!digits.empty()) {
      ids.push_back(std::stoi(digits));
      digits.clear();
    }
  }
  return ids;
}

// genres.csv: genre_id, #tracks, parent, title, top_level.
std::map<int, std::string> read_genre_titles(const fs::path& file, const std::string& subset) {
  std::ifstream in(file);
  if (!in) {
    throw usage_error(error_prefix(subset) + "--tags genres_all names genres by " + file.string() +
                      ", which cannot be read");
  }
  std::size_t line = 0;
  std::vector<std::string> fields;
  io::read_csv_record(in, fields, line, file);
  const auto id = std::find(fields.begin(), fields.end(), "genre_id");
  const auto title = std::find(fields.begin(), fields.end(), "title");
  if (id == fields.end() || title == fields.end()) {
    throw usage_error(error_prefix(subset) + file.string() +
                      ": line 1: expected the columns genre_id and title");
  }
  const std::size_t id_column = static_cast<std::size_t>(id - fields.begin());
  const std::size_t title_column = static_cast<std::size_t>(title - fields.begin());
  std::map<int, std::string> titles;
  while (io::read_csv_record(in, fields, line, file)) {
    if (fields.size() <= std::max(id_column, title_column)) continue;
    const std::vector<int> ids = genre_ids(fields[id_column]);
    if (ids.size() == 1) titles[ids.front()] = fields[title_column];
  }
  return titles;
}

std::string six_digits(int id) {
  std::string text = std::to_string(id);
  return std::string(text.size() < 6 ? 6 - text.size() : 0, '0') + text;
}

DatasetManifest read_fma(const fs::path& root, const std::string& subset, const std::string& tags) {
  const fs::path metadata = root / "fma_metadata";
  const fs::path tracks_csv = metadata / "tracks.csv";
  std::ifstream in(tracks_csv);
  if (!in) {
    throw usage_error(error_prefix(subset) + root.string() + " does not look like FMA: expected " +
                      tracks_csv.string());
  }
  std::size_t line = 0;
  std::vector<std::string> groups, names, fields;
  io::read_csv_record(in, groups, line, tracks_csv);
  io::read_csv_record(in, names, line, tracks_csv);
  const std::size_t split_column = column(groups, names, "set", "split", tracks_csv, subset);
  const std::size_t subset_column = column(groups, names, "set", "subset", tracks_csv, subset);
  const std::size_t artist_column = column(groups, names, "artist", "id", tracks_csv, subset);
  const bool multi_label = tags == "genres_all";
  const std::size_t label_column =
      column(groups, names, "track", multi_label ? "genres_all" : "genre_top", tracks_csv, subset);
  const std::map<int, std::string> titles = multi_label
                                                ? read_genre_titles(metadata / "genres.csv", subset)
                                                : std::map<int, std::string>{};

  // The subsets a track of each ("set", "subset") value belongs to: small ⊂ medium ⊂ large.
  const auto wanted = std::find(kSubsets.begin(), kSubsets.end(), subset);
  const std::map<std::string, std::string> split_names = {
      {"training", "train"}, {"validation", "validation"}, {"test", "test"}};

  // The audio: the subset's own folder, or that of a larger subset (which holds it).
  std::vector<fs::path> folders;
  for (auto s = wanted; s != kSubsets.end(); ++s)
    folders.push_back(root / ("fma_" + *s));
  folders.push_back(root / "fma_full");
  std::error_code code;
  const auto folder = std::find_if(folders.begin(), folders.end(),
                                   [&](const fs::path& f) { return fs::is_directory(f, code); });
  const fs::path audio = folder == folders.end() ? folders.front() : *folder;

  DatasetManifest manifest;
  manifest.multi_label = multi_label;
  std::size_t without_genre_top = 0;
  std::map<int, bool> seen;
  while (io::read_csv_record(in, fields, line, tracks_csv)) {
    if (fields.size() == 1 && fields[0].empty()) continue;
    if (!fields.empty() && fields[0] == "track_id") continue;  // pandas' index-name row
    if (fields.size() != names.size()) {
      throw usage_error(error_prefix(subset) + tracks_csv.string() + ": line " +
                        std::to_string(line) + ": " + std::to_string(fields.size()) +
                        " fields, the header has " + std::to_string(names.size()));
    }
    const auto track_subset = std::find(kSubsets.begin(), kSubsets.end(), fields[subset_column]);
    if (track_subset == kSubsets.end() || track_subset > wanted) continue;
    const std::vector<int> ids = genre_ids(fields[0]);
    if (ids.size() != 1) {
      throw usage_error(error_prefix(subset) + tracks_csv.string() + ": line " +
                        std::to_string(line) + ": '" + fields[0] + "' is not a track id");
    }
    const int id = ids.front();
    const std::string name = six_digits(id).substr(0, 3) + "/" + six_digits(id) + ".mp3";
    if (seen[id]) {
      manifest.notes.push_back(name + ": track " + std::to_string(id) +
                               " listed twice in tracks.csv, the second row left out");
      continue;
    }
    seen[id] = true;
    std::vector<std::string> labels;
    if (multi_label) {
      for (const int genre : genre_ids(fields[label_column])) {
        const auto title = titles.find(genre);
        labels.push_back(title == titles.end() ? "genre " + std::to_string(genre) : title->second);
      }
    } else if (!fields[label_column].empty()) {
      labels.push_back(fields[label_column]);
    }
    if (labels.empty()) {
      ++without_genre_top;
      continue;
    }
    const auto split = split_names.find(fields[split_column]);
    if (split == split_names.end()) {
      manifest.notes.push_back(name + ": split '" + fields[split_column] +
                               "' is not training, validation or test; left out");
      continue;
    }
    if (std::find(std::begin(kWithoutAudio), std::end(kWithoutAudio), id) !=
        std::end(kWithoutAudio)) {
      manifest.notes.push_back(name + ": known to hold no audio (mdeff/fma issue 41), left out");
      continue;
    }
    const fs::path path = audio / name;
    if (const auto why = unusable_file(path)) {
      manifest.notes.push_back(name + ": " + *why + ", left out");
      continue;
    }
    try {
      io::open_audio_source(path);  // the header only: FMA has MP3s that hold no audio
    } catch (const Error& error) {
      manifest.notes.push_back(name + ": unreadable, left out (" + error.cause() + ")");
      continue;
    }
    manifest.items.push_back(
        {path.string(), labels, "artist " + fields[artist_column], split->second});
  }
  if (without_genre_top > 0) {
    manifest.notes.push_back(std::to_string(without_genre_top) +
                             (without_genre_top == 1 ? " track has" : " tracks have") + " no " +
                             (multi_label ? "genre" : "genre_top (genres under several roots)") +
                             ", left out");
  }
  return manifest;
}

DatasetDefinition fma_definition(const std::string& subset, const char* size) {
  return {"fma-" + subset,
          std::string("FMA ") + subset + " (" + size +
              "; ROOT/fma_metadata/tracks.csv, clips in ROOT/fma_" + subset +
              "/NNN/NNNNNN.mp3): genre_top, or genres_all as tags",
          {"official"},
          {"genre_top", "genres_all"},
          [subset](const fs::path& root, const std::string&, const std::string& tags) {
            return read_fma(root, subset, tags);
          }};
}

}  // namespace

std::vector<DatasetDefinition> fma_definitions() {
  return {fma_definition("small", "8,000 clips, 8 genres"),
          fma_definition("medium", "25,000 clips, 16 genres"),
          fma_definition("large", "106,574 clips, 16 top genres of 161")};
}

}  // namespace mirkit::pipeline
