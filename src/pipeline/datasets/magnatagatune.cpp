// MagnaTagATune (Law et al. 2009): annotations_final.csv — tab-separated, each field in double
// quotes, a header of "clip_id", 188 tag columns and "mp3_path", one 0/1 row per 29-second clip —
// and the clips under 16 folders 0 … f named by mp3_path ("f/artist-album-07-track-146-175.mp3").
//
// The convention of Dieleman and Schrauwen (2014) that the tagging literature follows: the 50
// most frequent tags; the folders 0–b for training, c for validation, d–f for test; clips with
// none of the chosen tags left out. Segments of one track share a group (the file name without
// its "-start-end" part), so a track never straddles a split made by `mirkit split --group-by`.
#include <algorithm>
#include <fstream>
#include <numeric>
#include <set>

#include "dataset_files.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/io/csv.hpp"
#include "mirkit/pipeline/dataset.hpp"

namespace mirkit::pipeline {
namespace {

constexpr std::size_t kTopTags = 50;

// Folder 0–b: train, c: validation, d–f: test.
std::string split_of_folder(char folder) {
  if ((folder >= '0' && folder <= '9') || folder == 'a' || folder == 'b') return "train";
  if (folder == 'c') return "validation";
  if (folder >= 'd' && folder <= 'f') return "test";
  return {};
}

// "artist-album-07-track-146-175.mp3" → "artist-album-07-track": the segments of one track.
std::string track_of(const std::string& mp3_path) {
  std::string name = std::filesystem::path(mp3_path).stem().string();
  for (int part = 0; part < 2; ++part) {
    const auto dash = name.rfind('-');
    if (dash == std::string::npos) break;
    name.erase(dash);
  }
  return name;
}

struct Clip {
  std::string mp3_path;
  std::vector<std::size_t> tags;  // column indices among the tag columns
};

DatasetManifest read_magnatagatune(const std::filesystem::path& root,
                                   const std::string& /*split: the folders, the one convention*/,
                                   const std::string& tag_set) {
  const std::filesystem::path annotations = root / "annotations_final.csv";
  std::ifstream in(annotations);
  if (!in) {
    throw usage_error("dataset magnatagatune: " + root.string() +
                      " does not look like MagnaTagATune: expected " + annotations.string());
  }
  std::size_t line = 0;
  std::vector<std::string> header;
  io::read_csv_record(in, header, line, annotations, '\t');
  if (header.size() < 3 || header.front() != "clip_id" || header.back() != "mp3_path") {
    throw usage_error("dataset magnatagatune: " + annotations.string() +
                      ": line 1: expected the tab-separated header \"clip_id\", the tags, "
                      "\"mp3_path\"");
  }
  const std::vector<std::string> tag_names(header.begin() + 1, header.end() - 1);
  std::vector<Clip> clips;
  std::vector<std::string> notes;
  std::vector<std::size_t> counts(tag_names.size(), 0);
  std::set<std::string> listed;
  for (std::vector<std::string> fields; io::read_csv_record(in, fields, line, annotations, '\t');) {
    if (fields.size() == 1 && fields[0].empty()) continue;
    if (fields.size() != header.size()) {
      throw usage_error("dataset magnatagatune: " + annotations.string() + ": line " +
                        std::to_string(line) + ": " + std::to_string(fields.size()) +
                        " fields, the header has " + std::to_string(header.size()));
    }
    // A clip listed twice (as in some copies of the table): the first row counts, the other is
    // noted, so no clip is scored twice or sits on both sides of a split.
    if (!listed.insert(fields.back()).second) {
      notes.push_back(fields.back() + ": listed twice in annotations_final.csv (clip_id " +
                      fields.front() + "), the second row left out");
      continue;
    }
    Clip clip{fields.back(), {}};
    for (std::size_t t = 0; t < tag_names.size(); ++t) {
      if (fields[t + 1] == "1") {
        clip.tags.push_back(t);
        ++counts[t];
      }
    }
    clips.push_back(std::move(clip));
  }

  // The chosen tags: the 50 most frequent (ties: the file's column order), or all of them.
  std::vector<std::size_t> order(tag_names.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return counts[a] > counts[b]; });
  if (tag_set == "top50" && order.size() > kTopTags) order.resize(kTopTags);
  std::vector<bool> chosen(tag_names.size(), false);
  for (const std::size_t t : order)
    chosen[t] = true;

  // The audio: beside the annotations, or in a folder of its own (mp3/, as some copies have it).
  const std::filesystem::path audio = find_audio_folder(
      root, {"", "mp3", "audio", "Audio"}, clips.empty() ? "" : clips.front().mp3_path);

  DatasetManifest manifest;
  manifest.notes = std::move(notes);
  manifest.multi_label = true;
  std::size_t untagged = 0;
  for (const Clip& clip : clips) {
    const std::string clip_split = clip.mp3_path.empty() ? "" : split_of_folder(clip.mp3_path[0]);
    if (clip_split.empty()) {
      manifest.notes.push_back(clip.mp3_path + ": not in a folder 0 … f, left out");
      continue;
    }
    std::vector<std::string> labels;
    for (const std::size_t t : clip.tags)
      if (chosen[t]) labels.push_back(tag_names[t]);
    if (labels.empty()) {
      ++untagged;
      continue;
    }
    const std::filesystem::path path = audio / clip.mp3_path;
    if (const auto why = unusable_file(path)) {
      manifest.notes.push_back(clip.mp3_path + ": " + *why + ", left out");
      continue;
    }
    manifest.items.push_back({path.string(), labels, track_of(clip.mp3_path), clip_split});
  }
  if (untagged > 0) {
    manifest.notes.push_back(std::to_string(untagged) +
                             (untagged == 1 ? " clip has" : " clips have") + " none of the " +
                             (tag_set == "top50" ? "50 most frequent tags" : "tags") +
                             ", left out (Dieleman and Schrauwen 2014)");
  }
  return manifest;
}

}  // namespace

DatasetDefinition magnatagatune_definition() {
  return {"magnatagatune",
          "MagnaTagATune (ROOT/annotations_final.csv, clips in ROOT/0 … ROOT/f): 188 tags",
          {"folders"},
          {"top50", "all"},
          read_magnatagatune};
}

}  // namespace mirkit::pipeline
