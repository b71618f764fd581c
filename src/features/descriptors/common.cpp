#include "common.hpp"

#include <cstdio>

#include "mirkit/dsp/decibel.hpp"
#include "mirkit/dsp/filterbank.hpp"

namespace mirkit::features::descriptors {

ParamSpec source_param() {
  return {"source",
          ParamType::string,
          "full",
          "spectrogram to describe: the whole STFT, or its harmonic or percussive part (HPSS)",
          {},
          {},
          {"full", "harmonic", "percussive"}};
}

const dsp::Matrix& source_magnitude(AnalysisContext& context, const std::string& source) {
  if (source == "harmonic") return context.hpss().harmonic;
  if (source == "percussive") return context.hpss().percussive;
  return context.magnitude();
}

const dsp::Matrix& source_power(AnalysisContext& context, const std::string& source) {
  if (source == "full") return context.power();
  return context.cached("power:" + source,
                        [&] { return dsp::Matrix(source_magnitude(context, source).cwiseAbs2()); });
}

std::vector<ParamSpec> mel_params() {
  return {
      {"n_mels", ParamType::integer, 128, "mel bands", 1, 1024},
      {"fmin", ParamType::number, 0.0, "lowest mel edge (Hz)", 0.0, {}},
      {"fmax", ParamType::number, 0.0, "highest mel edge (Hz); 0 = sample_rate / 2", 0.0, {}},
      {"mel_scale", ParamType::string, "slaney", "mel scale", {}, {}, {"slaney", "htk"}},
      {"mel_norm",
       ParamType::string,
       "slaney",
       "band normalisation: equal area, or none",
       {},
       {},
       {"slaney", "none"}},
      {"top_db",
       ParamType::number,
       80.0,
       "dB range kept below the clip's loudest mel value",
       0.0,
       {}},
  };
}

dsp::MelOptions mel_options(const Json& params, const AnalysisSettings& settings) {
  dsp::MelOptions options;
  options.n_mels = params.at("n_mels").get<int>();
  options.fmin = params.at("fmin").get<double>();
  const double fmax = params.at("fmax").get<double>();
  options.fmax = fmax > 0.0 ? fmax : settings.sample_rate / 2.0;
  options.scale = params.at("mel_scale") == "htk" ? dsp::MelScale::htk : dsp::MelScale::slaney;
  options.slaney_norm = params.at("mel_norm") == "slaney";
  return options;
}

const dsp::Matrix& mel_db(AnalysisContext& context, const Json& params,
                          const dsp::Filterbank& filters) {
  const std::string source =
      params.contains("source") ? params.at("source").get<std::string>() : "full";
  std::string key = "mel_db";
  for (const char* name : {"n_mels", "fmin", "fmax", "mel_scale", "mel_norm", "top_db"}) {
    key += ":" + params.at(name).dump();
  }
  key += ":" + source;
  return context.cached(key, [&] {
    return context.decibels(key, filters.apply(source_power(context, source)),
                            {.top_db = params.at("top_db").get<double>()});
  });
}

std::vector<std::string> numbered_names(const std::string& prefix, int count, int first) {
  const int width = std::max(2, static_cast<int>(std::to_string(count + first - 1).size()));
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    char number[16];
    std::snprintf(number, sizeof(number), "%0*d", width, i + first);
    names.push_back(prefix + "_" + number);
  }
  return names;
}

std::vector<std::string> pitch_class_names(const std::string& prefix, int n_chroma) {
  if (n_chroma != 12) return numbered_names(prefix, n_chroma, 0);
  static const char* kNames[12] = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
  std::vector<std::string> names;
  for (const char* name : kNames)
    names.push_back(prefix + "_" + name);
  return names;
}

ParamSchema schema_of(std::vector<ParamSpec> specs) {
  return ParamSchema(std::move(specs));
}

}  // namespace mirkit::features::descriptors
