#include "mirkit/pipeline/explain.hpp"

#include <algorithm>
#include <cmath>

#include "mirkit/core/error.hpp"
#include "mirkit/core/text.hpp"
#include "mirkit/dsp/mel.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/io/audio_reader.hpp"
#include "mirkit/io/safetensors.hpp"
#include "mirkit/models/registry.hpp"
#include "mirkit/nn/input_gradient.hpp"
#include "mirkit/nn/network.hpp"
#include "mirkit/pipeline/clip_scorer.hpp"
#include "mirkit/pipeline/model_file.hpp"

namespace mirkit::pipeline {
namespace {

// Patches an eighth of the window a side, moved by half a patch: 15 × 15 = 225 runs of the
// network per window, enough to find a note or a drum hit without taking minutes.
constexpr std::int64_t kPatchesPerSide = 8;
// Windows of occluded copies sent through the network at once.
constexpr std::int64_t kBatch = 32;

int class_index(const std::vector<std::string>& classes, const std::optional<std::string>& name,
                const std::vector<float>& clip) {
  if (!name) {
    return static_cast<int>(std::max_element(clip.begin(), clip.end()) - clip.begin());
  }
  const auto found = std::find(classes.begin(), classes.end(), *name);
  if (found == classes.end()) {
    std::string known;
    for (const std::string& c : classes)
      known += (known.empty() ? "" : ", ") + c;
    throw usage_error("--class " + *name + ": the model has no such class (its classes: " + known +
                      ")");
  }
  return static_cast<int>(found - classes.begin());
}

// Each mel band's centre in Hz, when the network reads one mel spectrogram; else empty.
std::vector<double> mel_band_hz(const features::FeatureExtractor& extractor) {
  const Json& entries = extractor.config()["features"];
  if (entries.size() != 1 || entries[0]["name"] != "melspectrogram") return {};
  const Json& p = entries[0];
  const int rate = extractor.analysis().sample_rate;
  const double fmax =
      p["fmax"].is_number() && p["fmax"].get<double>() > 0 ? p["fmax"].get<double>() : rate / 2.0;
  const std::vector<double> edges =
      dsp::mel_frequencies(p["n_mels"].get<int>() + 2, p["fmin"].get<double>(), fmax,
                           p["mel_scale"] == "htk" ? dsp::MelScale::htk : dsp::MelScale::slaney);
  return {edges.begin() + 1, edges.end() - 1};
}

// The window the network was built for (as predict uses it): the frames its input holds, or
// the whole clip when its input takes any length.
std::int64_t network_window(const nn::Network& network, std::int64_t dims, std::int64_t frames) {
  std::int64_t size = 1;
  for (const std::int64_t extent : network.input_shape()) {
    if (extent < 0) return std::max<std::int64_t>(frames, 1);
    size *= extent;
  }
  return std::max<std::int64_t>(1, size / std::max<std::int64_t>(dims, 1));
}

SaliencyMap occlusion_map(const nn::Network& network, const dsp::Matrix& frames,
                          std::int64_t window, int target) {
  const std::int64_t length = frames.rows(), dims = frames.cols();
  SaliencyMap map;
  map.input = frames;
  map.saliency = dsp::Matrix::Zero(length, dims);
  dsp::Matrix coverage = dsp::Matrix::Zero(length, dims);
  const std::int64_t pf = std::max<std::int64_t>(1, window / kPatchesPerSide);
  const std::int64_t pb = std::max<std::int64_t>(1, dims / kPatchesPerSide);
  map.method = "occlusion";
  map.patch_frames = static_cast<int>(pf);
  map.patch_bins = static_cast<int>(pb);
  const std::int64_t sf = std::max<std::int64_t>(1, pf / 2), sb = std::max<std::int64_t>(1, pb / 2);

  const nn::WindowPredictions base =
      network.predict_windows(frames, window, window, nn::Aggregate::mean);
  for (std::size_t w = 0; w < base.starts.size(); ++w) {
    const std::int64_t start = base.starts[w];
    const std::int64_t rows = std::min(window, length - start);
    // The window as the network saw it: zero-padded to its length, as predict_windows pads.
    Matrix original = Matrix::Zero(window, dims);
    original.topRows(rows) = frames.middleRows(start, rows);
    const float fill = original.topRows(rows).mean();
    struct Patch {
      std::int64_t frame, bin;
    };
    std::vector<Patch> patches;
    for (std::int64_t f = 0; f < rows; f += sf) {
      for (std::int64_t b = 0; b < dims; b += sb) {
        patches.push_back({f, b});
        if (b + pb >= dims) break;
      }
      if (f + pf >= rows) break;
    }
    const float p0 = base.windows(static_cast<Eigen::Index>(w), target);
    for (std::size_t first = 0; first < patches.size(); first += kBatch) {
      const std::size_t count = std::min<std::size_t>(kBatch, patches.size() - first);
      Matrix stacked(static_cast<Eigen::Index>(count) * window, dims);
      for (std::size_t k = 0; k < count; ++k) {
        const Patch& p = patches[first + k];
        auto copy = stacked.middleRows(static_cast<Eigen::Index>(k) * window, window);
        copy = original;
        copy.block(p.frame, p.bin, std::min(pf, rows - p.frame), std::min(pb, dims - p.bin))
            .setConstant(fill);
      }
      const nn::WindowPredictions occluded =
          network.predict_windows(stacked, window, window, nn::Aggregate::mean, kBatch);
      for (std::size_t k = 0; k < count; ++k) {
        const Patch& p = patches[first + k];
        const float drop = p0 - occluded.windows(static_cast<Eigen::Index>(k), target);
        const std::int64_t h = std::min(pf, rows - p.frame), v = std::min(pb, dims - p.bin);
        map.saliency.block(start + p.frame, p.bin, h, v).array() += drop;
        coverage.block(start + p.frame, p.bin, h, v).array() += 1.0f;
      }
    }
  }
  map.saliency =
      (coverage.array() > 0).select(map.saliency.array() / coverage.array().max(1.0f), 0.0f);
  return map;
}

// Gradient × (input − window mean), window by window (the windows predict uses); cells two
// windows cover get the mean.
SaliencyMap gradient_map(nn::InputGradient& gradient, const nn::Network& network,
                         const dsp::Matrix& frames, std::int64_t window, int target) {
  const std::int64_t length = frames.rows(), dims = frames.cols();
  SaliencyMap map;
  map.method = "gradient";
  map.input = frames;
  map.saliency = dsp::Matrix::Zero(length, dims);
  dsp::Matrix coverage = dsp::Matrix::Zero(length, dims);
  nn::Shape shape = {1};
  std::int64_t known = 1;
  for (const std::int64_t d : network.input_shape())
    known *= d < 0 ? 1 : d;
  for (const std::int64_t d : network.input_shape())
    shape.push_back(d < 0 ? window * dims / known : d);
  const nn::WindowPredictions base =
      network.predict_windows(frames, window, window, nn::Aggregate::mean);
  for (const std::int64_t start : base.starts) {
    const std::int64_t rows = std::min(window, length - start);
    nn::Tensor input(shape);
    nn::MatrixMap x = input.matrix(window, dims);
    x.topRows(rows) = frames.middleRows(start, rows);  // zero-padded, as predict pads
    const float mean = x.topRows(rows).mean();
    const nn::Tensor g = gradient.gradient(input, target);
    const nn::ConstMatrixMap dx = g.matrix(window, dims);
    map.saliency.middleRows(start, rows).array() +=
        dx.topRows(rows).array() * (x.topRows(rows).array() - mean);
    coverage.middleRows(start, rows).array() += 1.0f;
  }
  map.saliency =
      (coverage.array() > 0).select(map.saliency.array() / coverage.array().max(1.0f), 0.0f);
  return map;
}

ClassTimeline timeline_of(const ClipScores& scores, const std::vector<std::string>& classes,
                          double segment_s, double duration_s) {
  ClassTimeline timeline;
  timeline.classes = classes;
  timeline.probabilities = scores.segments;
  timeline.starts = scores.starts;
  timeline.segment_s = segment_s;
  timeline.duration_s = duration_s;
  return timeline;
}

}  // namespace

Explanation explain(const ExplainOptions& options) {
  std::unique_ptr<ClipScorer> scorer;
  try {
    scorer = ClipScorer::load(options.model);
  } catch (const Error& error) {
    // The loader speaks for predict; here the stage is explain.
    std::string cause = error.cause();
    if (cause.starts_with("predict: ")) cause.erase(0, 9);
    throw Error("explain: " + cause, error.kind(), error.file(), error.stage());
  }
  features::FeatureExtractor extractor(scorer->feature_config(), options.model.string());
  const io::LoadOptions load = extractor.load_options();
  const io::Audio audio = io::load_audio(options.audio, load);
  const int rate = extractor.analysis().sample_rate;
  const bool network =
      io::read_safetensors_header(options.model).metadata.value("kind", "") == "nn";

  Explanation explanation;
  const double duration = audio.duration_s();
  // The clip's class as predict finds it: the network's own windows, or the whole clip.
  const ClipScores whole = scorer->score(extractor, options.audio, load, Windowing{});
  const int target = class_index(scorer->classes(), options.class_name, whole.clip);
  // The strip over time: the asked segments; else a fixed-input network's own windows; else
  // (classical models, networks that read the whole clip at once) 1 s.
  std::optional<double> segment = options.segment_s;
  std::optional<nn::Network> net;
  if (network) net = nn::Network::load(options.model);
  const bool any_length =
      net && std::ranges::any_of(net->input_shape(), [](std::int64_t d) { return d < 0; });
  if (!segment && (!network || any_length)) segment = std::min(1.0, std::max(duration, 1.0 / rate));
  const ClipScores scores =
      segment ? scorer->score(extractor, options.audio, load, Windowing{segment, {}, "mean"})
              : whole;
  explanation.class_name = scorer->classes()[static_cast<std::size_t>(target)];
  explanation.class_probability = whole.clip[static_cast<std::size_t>(target)];

  if (network) {
    explanation.model_kind = "network";
    const dsp::Matrix frames = extractor.frames(audio.samples);
    const double hop_s = static_cast<double>(extractor.analysis().hop_length) / rate;
    const std::int64_t window = network_window(*net, frames.cols(), frames.rows());
    explanation.timeline =
        timeline_of(scores, scorer->classes(),
                    segment ? *segment : static_cast<double>(window) * hop_s, duration);
    if (frames.cols() > 1) {
      std::optional<nn::InputGradient> gradient;
      if (options.saliency != "occlusion") {
        try {
          gradient.emplace(options.model);
        } catch (const Error& error) {
          if (options.saliency == "gradient") throw usage_error("explain: " + error.cause());
          explanation.notes.push_back("occlusion saliency: " + error.cause());
        }
      }
      SaliencyMap map = gradient ? gradient_map(*gradient, *net, frames, window, target)
                                 : occlusion_map(*net, frames, window, target);
      map.input_name = extractor.config()["features"][0]["name"].get<std::string>();
      map.band_hz = mel_band_hz(extractor);
      map.hop_s = hop_s;
      explanation.saliency = std::move(map);
    } else {
      explanation.notes.push_back(
          "the network reads the waveform (one value per frame): no saliency map over a "
          "spectrogram; the probabilities over time are shown");
    }
    return explanation;
  }

  const ModelFile file = read_model_file(options.model);
  explanation.model_kind = file.model.value("model", "model");
  explanation.timeline = timeline_of(scores, scorer->classes(), *segment, duration);
  Json report = file.training.value("report", Json::object());
  if (report.contains("tags") && report["tags"].is_array() && !report["tags"].empty()) {
    // A multi-label model has one classifier per tag: their importances, averaged.
    std::vector<double> mean;
    for (const Json& tag : report["tags"]) {
      if (!tag.contains("feature_importances")) {
        mean.clear();
        break;
      }
      const auto values = tag["feature_importances"].get<std::vector<double>>();
      mean.resize(values.size(), 0.0);
      for (std::size_t i = 0; i < values.size() && i < mean.size(); ++i)
        mean[i] += values[i] / static_cast<double>(report["tags"].size());
    }
    if (!mean.empty()) report["feature_importances"] = mean;
  }
  if (report.contains("feature_importances") && report["feature_importances"].is_array()) {
    FeatureImportances importances;
    importances.values = report["feature_importances"].get<std::vector<double>>();
    const models::ClassifierDefinition* definition =
        models::classifier_registry().find(explanation.model_kind);
    importances.measure = definition ? definition->importance_measure : "";
    // After PCA the forest's inputs are components, not the named features.
    const int pca = file.model.value("preprocessing", Json::object()).value("pca_components", 0);
    const bool named = importances.values.size() == file.feature_names.size() && pca == 0;
    for (std::size_t i = 0; i < importances.values.size(); ++i) {
      importances.names.push_back(named ? file.feature_names[i]
                                        : "PCA component " + std::to_string(i + 1));
    }
    explanation.importances = std::move(importances);
  } else {
    std::vector<std::string> those;
    for (const models::ClassifierDefinition& definition : models::classifier_registry())
      if (!definition.importance_measure.empty()) those.push_back(definition.name);
    explanation.notes.push_back("feature importances are recorded by " + join(those, ", ") +
                                "; this model (" + explanation.model_kind + ") has none");
  }
  return explanation;
}

}  // namespace mirkit::pipeline
