// Extracts a feature recipe's features from one audio file into a matrix and writes it as CSV:
// a header of feature names, then one row per item row (one pooled vector, one per texture
// window, or one per frame, as the recipe says): the numbers `mirkit extract` stores, written
// as `mirkit export` writes them.
//
//   extract_matrix RECIPE.json AUDIO
//
// Built against the installed package (README, "Using the library").
#include <cstdio>
#include <mirkit/core/error.hpp>
#include <mirkit/core/exit_code.hpp>
#include <mirkit/core/text.hpp>
#include <mirkit/features/extractor.hpp>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s RECIPE AUDIO\n", argv[0]);
    return static_cast<int>(mirkit::ExitCode::usage);
  }
  try {
    auto extractor = mirkit::features::FeatureExtractor::from_file(argv[1]);
    const auto analysis = extractor.analyse_file(argv[2], extractor.load_options());
    const mirkit::dsp::Matrix& rows = analysis.rows;  // rows × features, float, row-major

    const bool frames = extractor.output() == mirkit::features::OutputKind::frames;
    const std::vector<std::string>& names =
        frames ? extractor.frame_names() : extractor.pooled_names();
    for (std::size_t j = 0; j < names.size(); ++j)
      std::printf("%s%s", j ? "," : "", mirkit::csv_field(names[j]).c_str());
    std::printf("\n");
    for (Eigen::Index i = 0; i < rows.rows(); ++i) {
      for (Eigen::Index j = 0; j < rows.cols(); ++j)
        std::printf("%s%s", j ? "," : "", mirkit::float_text(rows(i, j)).c_str());
      std::printf("\n");
    }
    std::fprintf(stderr, "%s: %lld × %lld from %.2f s of audio\n", argv[2],
                 static_cast<long long>(rows.rows()), static_cast<long long>(rows.cols()),
                 analysis.duration_s);
    return 0;
  } catch (const mirkit::Error& error) {
    std::fprintf(stderr, "extract_matrix: %s\n", error.what());
    return static_cast<int>(mirkit::exit_code_for(error.kind()));
  }
}
