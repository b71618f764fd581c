#include "cqt_common.hpp"

namespace mirkit::features::descriptors {

std::vector<ParamSpec> cqt_params(int bins_per_octave_default) {
  return {
      {"fmin",
       ParamType::number,
       dsp::kC1Hz,
       "lowest bin (Hz), before tuning; C1 by default",
       1.0,
       {}},
      {"n_octaves", ParamType::integer, 7, "octaves above fmin", 1, 10},
      {"bins_per_octave", ParamType::integer, bins_per_octave_default, "bins per octave", 1, 120},
      {"tuning", ParamType::number, 0.0, "deviation from A440 in bins", -0.5, 0.5},
  };
}

dsp::CqtOptions cqt_options(const Json& params) {
  dsp::CqtOptions options;
  options.fmin = params.at("fmin").get<double>();
  options.bins_per_octave = params.at("bins_per_octave").get<int>();
  options.n_bins = params.at("n_octaves").get<int>() * options.bins_per_octave;
  options.tuning = params.at("tuning").get<double>();
  return options;
}

const dsp::Matrix& cqt_magnitude(AnalysisContext& context, const dsp::Cqt& cqt,
                                 const Json& params) {
  std::string key = "cqt";
  for (const char* name : {"fmin", "n_octaves", "bins_per_octave", "tuning"})
    key += ":" + params.at(name).dump();
  return context.cached(key, [&] { return cqt.magnitude(context.signal()); });
}

}  // namespace mirkit::features::descriptors
