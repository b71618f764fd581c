// GTZAN (Tzanetakis and Cook 2002): genres/<genre>/<genre>.000NN.wav (or .au, as the original
// archive has them), 100 thirty-second excerpts in each of 10 genres.
//
// Its faults (Sturm 2013): repeated excerpts, mislabellings, distortions, and many excerpts of the
// same artists, so a random split puts an artist on both sides and inflates accuracy. The
// fault-filtered split (Kereliuk, Sturm and Larsen 2015, "Deep learning and music adversaries")
// leaves the faulty excerpts out and keeps each artist on one side: 443 train, 197 validation,
// 290 test. Its lists and those of the stratified split of the same work (500 / 250 / 250) are
// the files gtzan/{train,valid,test}_{filtered,stratified}.txt of github.com/coreyker/dnn-mgr
// (commit bdad579), written here as excerpt numbers per genre.
#include <cstdio>
#include <map>
#include <span>
#include <sstream>

#include "mirkit/core/error.hpp"
#include "mirkit/io/audio_source.hpp"
#include "mirkit/pipeline/dataset.hpp"

namespace mirkit::pipeline {
namespace {

struct GenreNumbers {
  const char* genre;
  const char* numbers;  // "29-49,73-97": excerpt numbers, as ranges or single ones
};

constexpr GenreNumbers kFaultFilteredTrain[] = {
    {"blues", "29-49,73-97"},
    {"classical", "30-33,43-48,50-67,80-99"},
    {"country", "19-26,28-29,65-99"},
    {"disco", "5,15-20,22-37,39-45,47,49,53-54,56-57,59,61,70,73-74,89"},
    {"hiphop", "2-25,28-29,31-38,41-42,55-61,77-80"},
    {"jazz", "0-1,11-24,41,47-72"},
    {"metal", "2-3,5,21,24,35,46-57,59-66,69,71-72,79-80,84,86,89-99"},
    {"pop", "2-9,11-12,16-20,23-29,31-36,38-42,44,46,49-50,80,97-99"},
    {"reggae", "0-2,4,6,9,11-12,14-32,42-45,49-51,54-60,63,69"},
    {"rock", "0-9,16-26,57-70,91-99"},
};
constexpr GenreNumbers kFaultFilteredValidation[] = {
    {"blues", "0-11,50-60"},
    {"classical", "0-10,68-76"},
    {"country", "0-7,9-18,27,41-42,45,49"},
    {"disco", "0,2-4,6-14,46,48,52,67-68,72,75,90,95"},
    {"hiphop", "81-98"},
    {"jazz", "2-10,25-32"},
    {"metal", "0-1,6-11,16-20,36-37,68,76-77,81-82"},
    {"pop", "10,53,55,58-62,81,83-86"},
    {"reggae", "61-62,70,72,74,76-78,85,92-99"},
    {"rock", "38,49-56,71-85"},
};
constexpr GenreNumbers kFaultFilteredTest[] = {
    {"blues", "12-28,61-72,98-99"},
    {"classical", "11-29,34-41,49,77-79"},
    {"country", "30-40,43-44,46-48,50-51,53-64"},
    {"disco", "1,21,58,62-66,69,76-88,91-94,96-97,99"},
    {"hiphop", "0,26-27,30,40,43-45,51-54,62-75,99"},
    {"jazz", "73-99"},
    {"metal", "12-15,22-23,25-33,38-39,67,70,73-75,78,83,85,87-88"},
    {"pop", "0-1,13-14,43,63-66,69-79,82,88-96"},
    {"reggae", "34-40,46-48,52-53,64-68,71,79,82-84,87-90"},
    {"rock", "10-15,27-37,39-48,86-90"},
};
constexpr GenreNumbers kStratifiedTrain[] = {
    {"blues",
     "0-3,6,11,14,17-19,21,26-27,29-30,33-34,36-39,41,44,46-48,50,55-57,60,63,65,67,69-70,72,74-76,"
     "79,81,85,87-89,91,94,97,99"},
    {"classical",
     "0-4,11-12,14,17,20,23,25-26,28,31-32,38,40,44,47-51,57-60,62,64-65,67,70,72-73,76,78-85,91,"
     "93,95-97,99"},
    {"country",
     "3,6-8,10,12-14,16-19,28-29,32,34-40,44-45,48-49,54,56,59,61-63,66-70,73-74,79-81,85-86,89,93-"
     "97"},
    {"disco",
     "6-7,9-11,13,16-20,23-24,26-27,30-31,34-37,41-42,44-45,47-48,52,54,56-57,60,63-67,69,75,78,81,"
     "83-84,88-91,96-97,99"},
    {"hiphop",
     "0,2,6,11-13,18,20-22,26-27,30-33,35,38,40-41,44-46,49-50,52-54,56-60,63-64,68,72-74,77-79,84,"
     "86,88-90,92,98-99"},
    {"jazz",
     "2,4-7,10,12-15,23-24,26-28,30,32,34,38,40-41,43,50,52,54-55,57-62,64,68,70,72,74-75,77,79-80,"
     "86,89-96"},
    {"metal",
     "0,3-4,6,10-11,13-14,16-17,19,22-28,36-38,41,45,47,49,52,56,59-61,65,70-72,74-77,79,81-82,85-"
     "86,88-91,93,97,99"},
    {"pop",
     "2-4,9,11-13,15,17,20,22,24,26-27,32-33,35,41-43,45,48,50-51,53-56,61-65,67,71-72,74-77,79,81-"
     "83,86-87,92-93,95,98"},
    {"reggae",
     "4-5,9-14,16-18,23,27-28,30-31,36-37,40-44,49,51-56,59-60,62,64-66,71,73,75-77,82,84,87-89,91-"
     "92,95,98"},
    {"rock",
     "3-6,8,14-15,17,23-27,34-35,37,40-41,44-45,48,52,54-55,58-59,62-63,65-67,69,71,75,77-78,80-81,"
     "83-86,88,90-91,93-95,97,99"},
};
constexpr GenreNumbers kStratifiedValidation[] = {
    {"blues", "4,7-9,16,22,32,35,42,45,51,54,58,61,66,68,71,73,78,80,82,86,90,93,96"},
    {"classical", "5-8,10,13,15,18,22,27,30,33,39,46,54,63,68,71,74,77,86,89-90,94,98"},
    {"country", "0-1,4-5,9,15,20,25-27,30,42-43,46,55,58,60,71,83-84,87-88,90,92,98"},
    {"disco", "3,15,22,25,28-29,32,39-40,43,46,50-51,53,59,62,70,72-74,85,87,92-93,95"},
    {"hiphop", "3,5,7,10,16,19,36-37,39,43,47-48,51,55,66-67,69,71,76,80-83,93,97"},
    {"jazz", "0-1,8,11,17,19,21-22,25,29,36,42,44,46-47,49,51,56,63,65,81-83,97-98"},
    {"metal", "7-9,12,15,29,31-34,39,43-44,53,55,63-64,67-68,73,83,87,94-96"},
    {"pop", "1,7,10,14,16,18-19,23,25,28-29,37,47,57-60,73,78,80,85,89-90,94,99"},
    {"reggae", "0-1,7-8,19,24-26,29,32,34,38-39,45,47,61,63,67,70,72,80,85-86,90,93"},
    {"rock", "7,12-13,16,18-19,21-22,28-30,36,38,43,46,49,53,56,61,68,76,87,89,92,96"},
};
constexpr GenreNumbers kStratifiedTest[] = {
    {"blues", "5,10,12-13,15,20,23-25,28,31,40,43,49,52-53,59,62,64,77,83-84,92,95,98"},
    {"classical", "9,16,19,21,24,29,34-37,41-43,45,52-53,55-56,61,66,69,75,87-88,92"},
    {"country", "2,11,21-24,31,33,41,47,50-53,57,64-65,72,75-78,82,91,99"},
    {"disco", "0-2,4-5,8,12,14,21,33,38,49,55,58,61,68,71,76-77,79-80,82,86,94,98"},
    {"hiphop", "1,4,8-9,14-15,17,23-25,28-29,34,42,61-62,65,70,75,85,87,91,94-96"},
    {"jazz", "3,9,16,18,20,31,33,35,37,39,45,48,53,66-67,69,71,73,76,78,84-85,87-88,99"},
    {"metal", "1-2,5,18,20-21,30,35,40,42,46,48,50-51,54,57-58,62,66,69,78,80,84,92,98"},
    {"pop", "0,5-6,8,21,30-31,34,36,38-40,44,46,49,52,66,68-70,84,88,91,96-97"},
    {"reggae", "2-3,6,15,20-22,33,35,46,48,50,57-58,68-69,74,78-79,81,83,94,96-97,99"},
    {"rock", "0-2,9-11,20,31-33,39,42,47,50-51,57,60,64,70,72-74,79,82,98"},
};

const std::vector<std::string> kGenres = {"blues", "classical", "country", "disco",  "hiphop",
                                          "jazz",  "metal",     "pop",     "reggae", "rock"};

// (genre, number) → split, from the three tables of one convention.
std::map<std::pair<std::string, int>, std::string> split_of(
    std::span<const GenreNumbers> train, std::span<const GenreNumbers> validation,
    std::span<const GenreNumbers> test) {
  std::map<std::pair<std::string, int>, std::string> out;
  const auto add = [&](std::span<const GenreNumbers> table, const char* split) {
    for (const GenreNumbers& entry : table) {
      std::stringstream ranges(entry.numbers);
      for (std::string range; std::getline(ranges, range, ',');) {
        const auto dash = range.find('-');
        const int first = std::stoi(range.substr(0, dash));
        const int last = dash == std::string::npos ? first : std::stoi(range.substr(dash + 1));
        for (int n = first; n <= last; ++n)
          out[{entry.genre, n}] = split;
      }
    }
  };
  add(train, "train");
  add(validation, "validation");
  add(test, "test");
  return out;
}

// The folder holding the genre folders, and the files' extension: ROOT/genres (the original
// archive), ROOT/genres_original (a common re-distribution) or ROOT itself.
std::pair<std::filesystem::path, std::string> find_genres(const std::filesystem::path& root) {
  std::error_code code;
  for (const char* sub : {"genres", "genres_original", ""}) {
    const std::filesystem::path folder = *sub ? root / sub : root;
    for (const char* extension : {".wav", ".au"}) {
      if (std::filesystem::is_regular_file(
              folder / "blues" / ("blues.00000" + std::string(extension)), code)) {
        return {folder, extension};
      }
    }
  }
  throw usage_error("dataset gtzan: " + root.string() + " does not look like GTZAN: expected " +
                    (root / "genres" / "blues" / "blues.00000.wav").string() + " (or .au)");
}

DatasetManifest read_gtzan(const std::filesystem::path& root, const std::string& split,
                           const std::string& /*tags: none*/) {
  const auto [folder, extension] = find_genres(root);
  const bool filtered = split == "fault-filtered";
  const auto splits =
      filtered ? split_of(kFaultFilteredTrain, kFaultFilteredValidation, kFaultFilteredTest)
               : split_of(kStratifiedTrain, kStratifiedValidation, kStratifiedTest);
  DatasetManifest manifest;
  if (!filtered) {
    manifest.warnings.push_back(
        "gtzan: the stratified split puts excerpts of one artist (and GTZAN's repeated excerpts) "
        "on both sides: its accuracy is inflated (Sturm 2013); the fault-filtered split is the one "
        "to report");
  }
  for (const std::string& genre : kGenres) {
    for (int n = 0; n < 100; ++n) {
      char name[32];
      std::snprintf(name, sizeof name, "%s.%05d", genre.c_str(), n);
      const std::filesystem::path path = folder / genre / (name + extension);
      const std::string shown = std::filesystem::relative(path, root).string();
      std::error_code code;
      if (!std::filesystem::is_regular_file(path, code)) {
        manifest.notes.push_back(shown + ": missing");
        continue;
      }
      try {
        io::open_audio_source(path);
      } catch (const Error& error) {
        manifest.notes.push_back(shown + ": unreadable, left out (" + error.cause() + ")");
        continue;
      }
      const auto it = splits.find({genre, n});
      if (it == splits.end()) {
        manifest.notes.push_back(shown +
                                 ": left out by the fault-filtered split (a repeated, mislabelled "
                                 "or distorted excerpt, or one of an artist kept to one side)");
        continue;
      }
      manifest.items.push_back({path.string(), {genre}, "", it->second});
    }
  }
  return manifest;
}

}  // namespace

DatasetDefinition gtzan_definition() {
  return {"gtzan",
          "GTZAN genres (ROOT/genres/<genre>/<genre>.000NN.wav or .au): 10 genres × 100 excerpts",
          {"fault-filtered", "stratified"},
          {},
          read_gtzan};
}

}  // namespace mirkit::pipeline
