#include "mirkit/pipeline/clip_scorer.hpp"

#include <cmath>
#include <functional>

#include "mirkit/core/error.hpp"
#include "mirkit/io/audio_reader.hpp"
#include "mirkit/io/safetensors.hpp"
#include "mirkit/nn/network.hpp"
#include "mirkit/pipeline/model_file.hpp"
#include "mirkit/pipeline/trained_model.hpp"

namespace mirkit::pipeline {
namespace {

// mean: of the probabilities; vote: the share of segments choosing each class (multi-label: with
// a probability ≥ 0.5); max: the largest probability of each class (renormalised to sum to 1 for
// single-label models).
std::vector<float> aggregate_segments(const dsp::Matrix& scores, const std::string& how,
                                      bool multi_label) {
  Eigen::RowVectorXf out = Eigen::RowVectorXf::Zero(scores.cols());
  const auto n = static_cast<float>(std::max<Eigen::Index>(scores.rows(), 1));
  if (how == "vote") {
    for (Eigen::Index s = 0; s < scores.rows(); ++s) {
      if (multi_label) {
        out += (scores.row(s).array() >= 0.5f).cast<float>().matrix();
      } else {
        Eigen::Index best = 0;
        scores.row(s).maxCoeff(&best);
        out(best) += 1.0f;
      }
    }
    out /= n;
  } else if (how == "max") {
    out = scores.colwise().maxCoeff();
    if (!multi_label && out.sum() > 0.0f) out /= out.sum();
  } else if (how == "mean") {
    out = scores.colwise().sum() / n;
  } else {
    throw usage_error("--aggregate " + how + " is for neural networks; this model takes mean, " +
                      "vote or max");
  }
  return {out.data(), out.data() + out.size()};
}

// Calls visit(piece, first sample) for each segment of `length` samples of `signal`; a last piece
// shorter than half a segment is dropped unless it is all there is.
void for_each_segment_of(std::span<const float> signal, std::int64_t length,
                         const std::function<void(std::span<const float>, std::int64_t)>& visit) {
  const auto segment = static_cast<std::size_t>(length);
  std::size_t begin = 0;
  for (; signal.size() - begin >= segment; begin += segment)
    visit(signal.subspan(begin, segment), static_cast<std::int64_t>(begin));
  if (begin == 0 || signal.size() - begin >= segment / 2)
    visit(signal.subspan(begin), static_cast<std::int64_t>(begin));
}

// Calls visit(piece, first sample) for each segment of `length` samples of the file's decoded
// signal; a last piece shorter than half a segment is dropped unless it is all there is. Holds
// about one segment of audio at a time where the recipe allows, else the whole signal.
void for_each_segment(const features::FeatureExtractor& extractor,
                      const std::filesystem::path& path, const io::LoadOptions& load,
                      std::int64_t length,
                      const std::function<void(std::span<const float>, std::int64_t)>& visit) {
  const auto segment = static_cast<std::size_t>(length);
  if (!extractor.analyses_in_pieces(load)) {
    const io::Audio audio = io::load_audio(path, load);
    for_each_segment_of(audio.samples, length, visit);
    return;
  }
  io::AudioReader reader(path, load.decode);
  std::vector<float> buffer;
  std::int64_t begin = 0;
  while (reader.read(buffer)) {
    std::size_t used = 0;
    for (; buffer.size() - used >= segment; used += segment, begin += length)
      visit(std::span<const float>(buffer).subspan(used, segment), begin);
    buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(used));
  }
  if (begin == 0 || buffer.size() >= segment / 2) visit(buffer, begin);
}

class ClassicalScorer final : public ClipScorer {
 public:
  ClassicalScorer(ModelFile file, const std::string& where)
      : file_(std::move(file)),
        model_(TrainedModel::restore(file_.state, file_.layout, file_.multi_label)) {
    classes_ = file_.classes;
    multi_label_ = file_.multi_label;
    thresholds_ = model_.thresholds();
    thresholds_.resize(classes_.size(), 0.5);
    feature_config_ = file_.feature_config;
    feature_config_hash_ = file_.feature_config_hash;
    (void)where;
  }

  ClipScores score(features::FeatureExtractor& extractor, const std::filesystem::path& path,
                   const io::LoadOptions& load, const Windowing& windowing) const override {
    return score_segments(windowing, [&](const AddSegment& add) {
      if (windowing.segment_s) {
        const int rate = extractor.analysis().sample_rate;
        for_each_segment(extractor, path, load, segment_length(extractor, windowing),
                         [&](std::span<const float> piece, std::int64_t start) {
                           add(features_of(extractor, piece), static_cast<double>(start) / rate);
                         });
      } else {
        add(extractor.analyse_file(path, load).rows, 0.0);
      }
    });
  }

  ClipScores score_signal(features::FeatureExtractor& extractor, std::span<const float> signal,
                          const Windowing& windowing) const override {
    return score_segments(windowing, [&](const AddSegment& add) {
      if (windowing.segment_s) {
        const int rate = extractor.analysis().sample_rate;
        for_each_segment_of(signal, segment_length(extractor, windowing),
                            [&](std::span<const float> piece, std::int64_t start) {
                              add(features_of(extractor, piece), static_cast<double>(start) / rate);
                            });
      } else {
        add(features_of(extractor, signal), 0.0);
      }
    });
  }

  dsp::Matrix score_items(const FeatureFile& features, const Windowing& windowing) const override {
    refuse_hop(windowing);
    return model_.scores(features);
  }

 private:
  static void refuse_hop(const Windowing& windowing) {
    if (windowing.hop_s) {
      throw usage_error(
          "--hop spaces a network's overlapping windows; a classical model's segments "
          "(--segment) follow one another");
    }
  }

  using AddSegment = std::function<void(dsp::Matrix, double)>;

  static std::int64_t segment_length(const features::FeatureExtractor& extractor,
                                     const Windowing& windowing) {
    return std::max<std::int64_t>(
        1, std::llround(*windowing.segment_s * extractor.analysis().sample_rate));
  }

  // The segments `visit` adds (each one's feature rows and start), scored and aggregated.
  ClipScores score_segments(const Windowing& windowing,
                            const std::function<void(const AddSegment&)>& visit) const {
    refuse_hop(windowing);
    FeatureFile segments;
    segments.layout = file_.layout;
    segments.names = file_.feature_names;
    segments.offsets = {0};
    std::vector<dsp::Matrix> parts;
    ClipScores scores;
    visit([&](dsp::Matrix part, double start_s) {
      if (!part.allFinite()) {
        throw Error("features are not finite (NaN or Inf)", ErrorKind::input, {}, "features");
      }
      segments.offsets.push_back(segments.offsets.back() + part.rows());
      segments.items.emplace_back();
      parts.push_back(std::move(part));
      scores.starts.push_back(start_s);
    });
    segments.values.resize(segments.offsets.back(),
                           static_cast<Eigen::Index>(file_.feature_names.size()));
    for (std::size_t s = 0; s < parts.size(); ++s)
      segments.values.middleRows(segments.offsets[s], parts[s].rows()) = parts[s];
    scores.segments = model_.scores(segments);
    scores.clip = aggregate_segments(scores.segments, windowing.aggregate, multi_label_);
    return scores;
  }

  dsp::Matrix features_of(features::FeatureExtractor& extractor,
                          std::span<const float> piece) const {
    if (file_.layout == FeatureLayout::frames) return extractor.frames(piece);
    if (file_.layout == FeatureLayout::segments) return extractor.texture_windows(piece);
    const std::vector<float> vector = extractor.pooled(piece);
    return Eigen::Map<const dsp::Matrix>(vector.data(), 1,
                                         static_cast<Eigen::Index>(vector.size()));
  }

  ModelFile file_;
  TrainedModel model_;
};

class NetworkScorer final : public ClipScorer {
 public:
  NetworkScorer(nn::Network network, const std::string& where) : network_(std::move(network)) {
    classes_ = network_.classes();
    multi_label_ = network_.output() == nn::OutputKind::multi_label;
    thresholds_.assign(classes_.size(), 0.5);
    feature_config_ = Json::parse(network_.features_json());
    if (!feature_config_.is_object()) {
      throw usage_error(where +
                        ": the network records no feature recipe (\"features\" in its metadata); "
                        "predict needs one to analyse audio (export_torch.py --features)");
    }
    const features::FeatureExtractor extractor(feature_config_, where);
    if (extractor.output() != features::OutputKind::frames) {
      throw usage_error(where +
                        ": a network reads frame sequences: its feature recipe needs "
                        "\"output\": \"frames\"");
    }
    feature_config_hash_ = extractor.config_hash();
    feature_config_ = extractor.config();
    dims_ = static_cast<std::int64_t>(extractor.frame_names().size());
    hop_seconds_ =
        static_cast<double>(extractor.analysis().hop_length) / extractor.analysis().sample_rate;
    // The window the network was built for: its input holds this many frames, unless it takes
    // any length (a −1 in its input shape), when a clip is one window.
    std::int64_t size = 1;
    bool any_length = false;
    for (const std::int64_t extent : network_.input_shape()) {
      if (extent < 0) {
        any_length = true;
      } else {
        size *= extent;
      }
    }
    if (!any_length) window_ = std::max<std::int64_t>(1, size / std::max<std::int64_t>(dims_, 1));
  }

  bool is_network() const override { return true; }

  ClipScores score(features::FeatureExtractor& extractor, const std::filesystem::path& path,
                   const io::LoadOptions& load, const Windowing& windowing) const override {
    return score_frames(extractor.analyse_file(path, load).rows, windowing);
  }

  ClipScores score_signal(features::FeatureExtractor& extractor, std::span<const float> signal,
                          const Windowing& windowing) const override {
    return score_frames(extractor.frames(signal), windowing);
  }

  dsp::Matrix score_items(const FeatureFile& features, const Windowing& windowing) const override {
    Windowing own = windowing;
    own.segment_s.reset();
    dsp::Matrix out(static_cast<Eigen::Index>(features.items.size()),
                    static_cast<Eigen::Index>(classes_.size()));
    for (std::size_t i = 0; i < features.items.size(); ++i) {
      const ClipScores scores = score_frames(features.rows_of(i), own);
      out.row(static_cast<Eigen::Index>(i)) =
          Eigen::Map<const Eigen::RowVectorXf>(scores.clip.data(), out.cols());
    }
    return out;
  }

 private:
  ClipScores score_frames(const Eigen::Ref<const dsp::Matrix>& frames,
                          const Windowing& windowing) const {
    std::int64_t window = window_ > 0 ? window_ : std::max<Eigen::Index>(frames.rows(), 1);
    if (windowing.segment_s) {
      window = std::max<std::int64_t>(1, std::llround(*windowing.segment_s / hop_seconds_));
    }
    const std::int64_t hop =
        windowing.hop_s ? std::max<std::int64_t>(1, std::llround(*windowing.hop_s / hop_seconds_))
                        : std::max<std::int64_t>(1, window / 2);
    const nn::WindowPredictions p =
        network_.predict_windows(frames, window, hop, nn::parse_aggregate(windowing.aggregate));
    ClipScores scores;
    scores.clip.assign(p.clip.data(), p.clip.data() + p.clip.size());
    scores.segments = p.windows;
    for (const std::int64_t start : p.starts)
      scores.starts.push_back(static_cast<double>(start) * hop_seconds_);
    return scores;
  }

  nn::Network network_;
  std::int64_t dims_ = 0;
  std::int64_t window_ = 0;  // 0: the whole clip
  double hop_seconds_ = 0.0;
};

}  // namespace

std::unique_ptr<ClipScorer> ClipScorer::from_network_bytes(const std::string& bytes,
                                                           const std::string& where) {
  return std::make_unique<NetworkScorer>(
      nn::Network::from_bytes(
          std::span(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()), where),
      where);
}

std::unique_ptr<ClipScorer> ClipScorer::load(const std::filesystem::path& path) {
  try {
    const io::TensorFile header = io::read_safetensors_header(path);
    if (header.metadata.is_object() && header.metadata.value("kind", std::string()) == "nn") {
      return std::make_unique<NetworkScorer>(nn::Network::load(path), path.string());
    }
    return std::make_unique<ClassicalScorer>(read_model_file(path), path.string());
  } catch (const Error& error) {
    if (error.kind() != ErrorKind::input) throw;
    throw usage_error(std::string("predict: ") + error.what());
  }
}

}  // namespace mirkit::pipeline
