// Classifies one audio file with a model trained by `mirkit train`: every class (or tag) with
// its probability, best first: the probabilities `mirkit predict` writes for the whole clip.
//
//   classify_file MODEL.safetensors AUDIO
//
// Built against the installed package (README, "Using the library"): CMake's
// find_package(mirkit) or pkg-config's `mirkit`.
#include <algorithm>
#include <cstdio>
#include <mirkit/core/error.hpp>
#include <mirkit/core/exit_code.hpp>
#include <mirkit/core/text.hpp>
#include <mirkit/features/extractor.hpp>
#include <mirkit/pipeline/clip_scorer.hpp>
#include <numeric>
#include <optional>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MODEL AUDIO\n", argv[0]);
    return static_cast<int>(mirkit::ExitCode::usage);
  }
  try {
    const auto scorer = mirkit::pipeline::ClipScorer::load(argv[1]);
    // The model carries the feature recipe it was trained on: the same features, from audio.
    mirkit::features::FeatureExtractor extractor(scorer->feature_config(), argv[1]);
    const mirkit::pipeline::ClipScores scores =
        scorer->score(extractor, argv[2], extractor.load_options(), mirkit::pipeline::Windowing{});

    std::vector<std::size_t> order(scores.clip.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return scores.clip[a] > scores.clip[b]; });
    for (const std::size_t c : order)
      std::printf("%s\t%s\n", scorer->classes()[c].c_str(),
                  mirkit::float_text(scores.clip[c]).c_str());
    return 0;
  } catch (const mirkit::Error& error) {
    // Names the file and the cause, e.g. "song.mp3: cannot decode (…)".
    std::fprintf(stderr, "classify_file: %s\n", error.what());
    return static_cast<int>(mirkit::exit_code_for(error.kind()));
  }
}
