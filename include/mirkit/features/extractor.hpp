// A feature extraction recipe, built from a JSON config: the audio loading options, the shared
// analysis framing, the frame features, and how they are pooled. The resolved config (every
// default written out) and its hash are what artifacts record.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mirkit/core/json.hpp"
#include "mirkit/core/schema.hpp"
#include "mirkit/dsp/stft.hpp"
#include "mirkit/features/analysis.hpp"
#include "mirkit/features/feature.hpp"
#include "mirkit/features/pooling.hpp"
#include "mirkit/io/audio_reader.hpp"

namespace mirkit::features {

// A recipe's "audio" section: how a file is read before it is analysed.
struct AudioSettings {
  bool mono = true;
  io::ResampleQuality resample_quality = io::ResampleQuality::high;
  double offset_s = 0.0;
  std::optional<double> duration_s;   // absent: to the end
  std::optional<double> trim_top_db;  // absent: keep leading and trailing silence
  io::Normalization normalization = io::Normalization::none;
  double normalization_dbfs = 0.0;
  std::optional<double> fixed_duration_s;  // absent: as long as it is

  static const Schema<AudioSettings>& schema();
  io::LoadOptions load_options(int sample_rate) const;
};

// A recipe's "pooling" section: statistics over frames, deltas, texture windows.
struct PoolingSettings {
  std::vector<std::string> stats = {"mean", "std"};
  int deltas = 0;
  int delta_width = 9;
  std::optional<double> texture_window_s;  // absent: the whole clip
  std::optional<double> texture_hop_s;     // absent: the window length

  static const Schema<PoolingSettings>& schema();
};

enum class OutputKind {
  pooled,  // one vector per clip (or per texture window)
  frames,  // the frame sequence itself, frames × dims (for neural models)
};

class FeatureExtractor {
 public:
  // `where` names the config's origin in error messages (its file name).
  explicit FeatureExtractor(const Json& config, const std::string& where = "config");
  static FeatureExtractor from_file(const std::filesystem::path& path);
  ~FeatureExtractor();
  // A copy is another worker's extractor for the same recipe: the analysis plan (the features
  // with their filter banks, kernels and bases) is shared, read-only; the STFT and the buffers
  // reused clip after clip are its own. Build once, copy per thread.
  FeatureExtractor(const FeatureExtractor&);
  FeatureExtractor& operator=(const FeatureExtractor&);
  FeatureExtractor(FeatureExtractor&&) noexcept;
  FeatureExtractor& operator=(FeatureExtractor&&) noexcept;

  const Json& config() const { return config_; }  // resolved: every default written out
  const std::string& config_hash() const { return hash_; }
  const AnalysisSettings& analysis() const { return settings_; }
  io::LoadOptions load_options() const;
  OutputKind output() const { return output_; }
  bool has_texture_windows() const { return texture_frames_ > 0; }

  // Columns of frames(): every frame feature side by side, then their deltas.
  const std::vector<std::string>& frame_names() const { return frame_names_; }
  // Entries of pooled(): the statistics of frames(), then the global features (tempo).
  const std::vector<std::string>& pooled_names() const { return pooled_names_; }

  // For audio already at analysis().sample_rate, mono. Not thread-safe: use one extractor per
  // thread, copies of one built once.
  dsp::Matrix frames(std::span<const float> signal);
  std::vector<float> pooled(std::span<const float> signal);
  // One pooled row per texture window (texture_window_s seconds every texture_hop_s); a clip
  // shorter than one window gives one row over all its frames.
  dsp::Matrix texture_windows(std::span<const float> signal);

  // A file, read with `load` (whose decode rate must be analysis().sample_rate), as the rows its
  // feature file holds: one pooled row, one per texture window, or the frames. The file is
  // decoded and analysed in pieces of about 95 s with 6 s of context on each side, so the
  // working memory does not grow with its length (only the frame features kept for pooling
  // do: about 30 MB an hour for gtzan.json); the rows equal those of the whole decoded signal to
  // float rounding, and bit for bit for a clip of one piece. Whatever needs the whole signal at
  // once (trimming, level normalisation, a fixed duration, an estimated tuning) is analysed
  // whole instead.
  struct FileAnalysis {
    dsp::Matrix rows;             // those not given to the sink
    double duration_s = 0.0;      // of the decoded signal
    double decode_seconds = 0.0;  // of the time taken, how much went to decoding + resampling
  };
  // Takes a long file's frames part by part, in order, as they are computed (frames output):
  // the caller writes them out, so they are never held whole. analyse_file's rows follow them.
  using RowSink = std::function<void(const dsp::Matrix& rows)>;
  // `piece_frames` is how many frames a piece keeps: the working memory, not the result. A file
  // of several pieces is pooled online (PoolAccumulator) and, with a sink, its frames are
  // streamed: memory stays flat however long the file.
  static constexpr int kPieceFrames = 4096;
  FileAnalysis analyse_file(const std::filesystem::path& path, const io::LoadOptions& load,
                            int piece_frames = kPieceFrames, const RowSink& sink = {});
  // Whether analyse_file reads files with `load` in pieces.
  bool analyses_in_pieces(const io::LoadOptions& load) const;

 private:
  // One analysed piece of a clip: its kept frames' base columns (before deltas) and each global
  // feature's frame values.
  struct Piece {
    dsp::Matrix frames;
    std::vector<dsp::Matrix> global_values;  // [global feature]
  };
  struct Computed {
    dsp::Matrix frames;
    std::vector<float> globals;
  };
  // The pieces of a clip, kept for deltas and summaries over all of them.
  struct Gathered {
    std::vector<dsp::Matrix> frames;
    std::vector<std::vector<dsp::Matrix>> global_values;  // [global feature][piece]
    void add(Piece&& piece);
    void add_globals(std::vector<dsp::Matrix>&& values);  // one piece's [global feature]
  };
  class LongClip;  // where the pieces of a clip of several go (extractor.cpp)
  Piece analyse_piece(std::span<const float> signal, Eigen::Index keep_begin, Eigen::Index keep_end,
                      ClipReferences* references);
  Computed finish(Gathered&& gathered) const;
  std::vector<float> globals_of(const std::vector<std::vector<dsp::Matrix>>& values) const;
  Computed compute(std::span<const float> signal);
  // Decodes and analyses the file piece by piece, each piece to `consume`; returns the decoded
  // length in samples and adds the time spent decoding to `decode_seconds`.
  std::int64_t compute_in_pieces(const std::filesystem::path& path, const io::DecodeOptions& decode,
                                 std::int64_t piece_frames, ClipReferences& references,
                                 const std::function<void(Piece&&)>& consume,
                                 double& decode_seconds);
  dsp::Matrix rows_of(Computed&& computed) const;
  dsp::Matrix texture_rows(const Computed& computed) const;
  std::vector<float> pool_segment(const dsp::Matrix& frames,
                                  const std::vector<float>& globals) const;

  // The features, immutable once built: every copy of the extractor shares them.
  struct Plan {
    std::vector<std::unique_ptr<Feature>> frame_features;
    std::vector<std::unique_ptr<Feature>> global_features;
    bool spectrum_in_double = false;  // some feature needs it (Feature::needs_spectrum_in_double)
  };
  // What one worker reuses clip after clip; a copy starts its own.
  struct WorkerState {
    explicit WorkerState(const dsp::StftOptions& options);
    WorkerState(const WorkerState& other);
    WorkerState& operator=(const WorkerState& other);
    WorkerState(WorkerState&&) noexcept = default;
    WorkerState& operator=(WorkerState&&) noexcept = default;
    std::unique_ptr<dsp::Stft> stft;
    std::unique_ptr<AnalysisWorkspace> workspace;
  };

  Json config_;
  std::string hash_;
  AnalysisSettings settings_;
  OutputKind output_ = OutputKind::pooled;
  std::shared_ptr<const Plan> plan_;
  std::optional<WorkerState> worker_;
  std::vector<Statistic> statistics_;
  AudioSettings audio_;
  PoolingSettings pooling_;
  int texture_frames_ = 0;
  int texture_hop_frames_ = 0;
  std::vector<std::string> frame_names_;
  std::vector<std::string> pooled_names_;
};

}  // namespace mirkit::features
