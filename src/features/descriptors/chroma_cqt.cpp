// chroma_cqt and tonnetz: pitch classes from the constant-Q transform, and their tonal centroids.
#include "cqt_common.hpp"
#include "mirkit/features/tonal.hpp"

namespace mirkit::features::descriptors {
namespace {

class ChromaCqt : public Feature {
 public:
  ChromaCqt(const Json& params, const AnalysisSettings& settings)
      : params_(params),
        cqt_(settings.sample_rate, settings.hop_length, cqt_options(params)),
        map_(cq_to_chroma(static_cast<int>(cqt_.frequencies().size()),
                          params.at("bins_per_octave").get<int>(), 12,
                          params.at("fmin").get<double>())) {}

  std::vector<std::string> dimension_names() const override {
    return pitch_class_names("chroma_cqt", 12);
  }

  dsp::Matrix compute(AnalysisContext& context) const override {
    return chroma_cqt(cqt_magnitude(context, cqt_, params_), map_);
  }

 protected:
  Json params_;
  dsp::Cqt cqt_;
  dsp::MatrixD map_;
};

class Tonnetz final : public ChromaCqt {
 public:
  using ChromaCqt::ChromaCqt;

  std::vector<std::string> dimension_names() const override {
    return {"tonnetz_fifth_x", "tonnetz_fifth_y", "tonnetz_minor_x",
            "tonnetz_minor_y", "tonnetz_major_x", "tonnetz_major_y"};
  }

  dsp::Matrix compute(AnalysisContext& context) const override {
    const std::string key = "chroma_cqt_for_tonnetz:" + params_.dump();
    return tonnetz(context.cached(key, [&] { return ChromaCqt::compute(context); }));
  }
};

ParamSchema chroma_cqt_schema() {
  ParamSchema schema = schema_of(cqt_params(36));
  return schema;
}

}  // namespace

FeatureDefinition chroma_cqt_definition() {
  return {
      "chroma_cqt",
      "Chromagram from a constant-Q transform (3 bins per semitone), frames scaled to max 1",
      "12 columns: chroma_cqt_C … chroma_cqt_B", chroma_cqt_schema(),
      [](const Json& p, const AnalysisSettings& s) { return std::make_unique<ChromaCqt>(p, s); }};
}

FeatureDefinition tonnetz_definition() {
  return {"tonnetz",
          "Tonal centroids (fifths, minor and major thirds) of chroma_cqt (Harte et al. 2006)",
          "6 columns: tonnetz_fifth_x … tonnetz_major_y", chroma_cqt_schema(),
          [](const Json& p, const AnalysisSettings& s) { return std::make_unique<Tonnetz>(p, s); }};
}

}  // namespace mirkit::features::descriptors
