// What the descriptor files share: the "source" parameter (the whole STFT, or its harmonic or
// percussive part), the mel parameters, and column naming.
#pragma once

#include <string>
#include <vector>

#include "mirkit/core/params.hpp"
#include "mirkit/dsp/filterbank.hpp"
#include "mirkit/dsp/mel.hpp"
#include "mirkit/features/analysis.hpp"
#include "mirkit/features/feature.hpp"

namespace mirkit::features::descriptors {

// "source": full | harmonic | percussive (the HPSS part, librosa's default kernels).
ParamSpec source_param();
const dsp::Matrix& source_magnitude(AnalysisContext& context, const std::string& source);
const dsp::Matrix& source_power(AnalysisContext& context, const std::string& source);

// n_mels, fmin, fmax, mel_scale, mel_norm, top_db.
std::vector<ParamSpec> mel_params();
dsp::MelOptions mel_options(const Json& params, const AnalysisSettings& settings);

// The log-power mel spectrogram (power_to_db, ref 1, amin 1e-10, top_db) of `source`, cached in
// the context under a key naming every parameter; `filters` must match `params`.
const dsp::Matrix& mel_db(AnalysisContext& context, const Json& params,
                          const dsp::Filterbank& filters);

// "prefix_01" … "prefix_NN", zero-padded to the width of `count`.
std::vector<std::string> numbered_names(const std::string& prefix, int count, int first = 1);
// Pitch-class names C, C#, … B for 12 classes, numbers otherwise.
std::vector<std::string> pitch_class_names(const std::string& prefix, int n_chroma);

// A schema from a list of specs (for building one from shared pieces).
ParamSchema schema_of(std::vector<ParamSpec> specs);

}  // namespace mirkit::features::descriptors
