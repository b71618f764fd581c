#include "mirkit/features/extractor.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <set>
#include <stdexcept>

#include "mirkit/core/error.hpp"
#include "mirkit/core/hash.hpp"
#include "mirkit/features/delta.hpp"

namespace mirkit::features {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

const ParamSchema& top_schema() {
  // The sections are objects checked by their own schemas; here only their presence and type.
  static const ParamSchema schema{
      {"description", ParamType::string, "", "free text: what this recipe is for"},
      {"output",
       ParamType::string,
       "pooled",
       "one vector per clip, or the frame sequence",
       {},
       {},
       {"pooled", "frames"}},
  };
  return schema;
}

Json section(const Json& config, const char* name) {
  const auto it = config.find(name);
  return it == config.end() || it->is_null() ? Json::object() : *it;
}

}  // namespace

const Schema<AudioSettings>& AudioSettings::schema() {
  using S = AudioSettings;
  static const Schema<S> schema =
      Schema<S>()
          .field("mono", &S::mono, "downmix to the channel mean (features need mono)")
          .field("resample_quality", &S::resample_quality, "resampler setting",
                 io::kResampleQualityNames)
          .field("offset_s", &S::offset_s, "start reading here (s)", {.min = 0.0})
          .field("duration_s", &S::duration_s, "read at most this long (s); null = to the end",
                 {.min = 0.001})
          .field("trim_top_db", &S::trim_top_db,
                 "trim leading/trailing silence this far below the peak (dB); null = keep",
                 {.min = 1.0})
          .field("normalization", &S::normalization, "level normalisation", io::kNormalizationNames)
          .field("normalization_dbfs", &S::normalization_dbfs,
                 "target level for peak/rms normalisation (dBFS)", {.min = -200.0, .max = 0.0})
          .field("fixed_duration_s", &S::fixed_duration_s,
                 "pad with zeros or cut to this length (s); null = as is", {.min = 0.001});
  return schema;
}

io::LoadOptions AudioSettings::load_options(int sample_rate) const {
  io::LoadOptions options;
  options.decode.sample_rate = sample_rate;
  options.decode.mono = mono;
  options.decode.quality = resample_quality;
  options.decode.offset_s = offset_s;
  options.decode.duration_s = duration_s;
  options.trim_top_db = trim_top_db;
  options.normalization = normalization;
  options.normalization_dbfs = normalization_dbfs;
  options.fixed_duration_s = fixed_duration_s;
  return options;
}

const Schema<PoolingSettings>& PoolingSettings::schema() {
  using S = PoolingSettings;
  static const Schema<S> schema =
      Schema<S>()
          .field("stats", &S::stats,
                 "statistics over frames: mean std var min max median skew kurtosis pNN")
          .field("deltas", &S::deltas, "also pool the deltas (1) or deltas and delta-deltas (2)",
                 {.min = 0, .max = 2})
          .field("delta_width", &S::delta_width, "frames in the delta filter (odd)",
                 {.min = 3, .max = 99})
          .field("texture_window_s", &S::texture_window_s,
                 "pool per window of this many seconds; null = whole clip",
                 {.min = 0.01, .max = 86400})
          .field("texture_hop_s", &S::texture_hop_s,
                 "seconds between windows; null = the window length", {.min = 0.01, .max = 86400})
          .rule([](const S& s) -> std::optional<std::string> {
            if (s.delta_width % 2 == 1) return std::nullopt;
            return "'delta_width' must be odd";
          });
  return schema;
}

FeatureExtractor::FeatureExtractor(const Json& config, const std::string& where) {
  if (!config.is_object()) throw usage_error(where + ": a feature config must be a JSON object");
  Json resolved = top_schema().resolve(config, where, {"analysis", "audio", "features", "pooling"});
  resolved["audio"] =
      AudioSettings::schema().declaration().resolve(section(config, "audio"), where + ": audio");
  audio_ = AudioSettings::schema().from_resolved(resolved["audio"]);
  resolved["analysis"] = AnalysisSettings::schema().declaration().resolve(
      section(config, "analysis"), where + ": analysis");
  resolved["pooling"] = PoolingSettings::schema().declaration().resolve(section(config, "pooling"),
                                                                        where + ": pooling");
  pooling_ = PoolingSettings::schema().from_resolved(resolved["pooling"]);
  settings_ = AnalysisSettings::schema().from_resolved(resolved["analysis"]);
  output_ = resolved["output"] == "frames" ? OutputKind::frames : OutputKind::pooled;

  auto plan = std::make_shared<Plan>();
  const auto features = config.find("features");
  if (features == config.end() || !features->is_array() || features->empty()) {
    throw usage_error(where + ": 'features' must be a non-empty list of {\"name\": …} objects");
  }
  resolved["features"] = Json::array();
  std::set<std::string> seen;
  for (std::size_t i = 0; i < features->size(); ++i) {
    const Json& entry = (*features)[i];
    const std::string at = where + ": features[" + std::to_string(i) + "]";
    if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string()) {
      throw usage_error(at + ": each feature is an object with a \"name\"");
    }
    const std::string name = entry["name"].get<std::string>();
    const FeatureDefinition* definition = nullptr;
    try {
      definition = &find_feature(name);
    } catch (const Error& error) {
      throw usage_error(at + ": " + error.cause());
    }
    Json params = definition->params.resolve(entry, at + " (" + name + ")", {"name", "as"});
    std::unique_ptr<Feature> feature;
    try {
      feature = definition->create(params, settings_);
    } catch (const Error& error) {
      throw usage_error(at + " (" + name + "): " + error.cause());
    }
    Json recorded = {{"name", name}};
    std::string alias;
    if (entry.contains("as")) {
      if (!entry["as"].is_string() || entry["as"].get<std::string>().empty()) {
        throw usage_error(at + ": 'as' must be a non-empty string");
      }
      alias = entry["as"].get<std::string>();
      recorded["as"] = alias;
    }
    recorded.update(params);
    resolved["features"].push_back(recorded);

    std::vector<std::string> names = feature->dimension_names();
    for (std::string& column : names) {
      if (!alias.empty()) column = alias + "_" + column;
      if (!seen.insert(column).second) {
        throw usage_error(at + ": column '" + column +
                          "' is already made by an earlier feature; "
                          "give one of them \"as\": \"<prefix>\"");
      }
    }
    plan->spectrum_in_double = plan->spectrum_in_double || feature->needs_spectrum_in_double();
    if (feature->is_global()) {
      pooled_names_.insert(pooled_names_.end(), names.begin(), names.end());  // appended below
      plan->global_features.push_back(std::move(feature));
    } else {
      frame_names_.insert(frame_names_.end(), names.begin(), names.end());
      plan->frame_features.push_back(std::move(feature));
    }
  }
  if (output_ == OutputKind::frames && !plan->global_features.empty()) {
    throw usage_error(where + ": output \"frames\" cannot hold a per-clip feature (tempo)");
  }
  if (plan->frame_features.empty() && output_ == OutputKind::frames) {
    throw usage_error(where + ": output \"frames\" needs at least one frame feature");
  }

  for (const std::string& stat : pooling_.stats) {
    try {
      statistics_.push_back(parse_statistic(stat));
    } catch (const Error& error) {
      throw usage_error(where + ": pooling: 'stats': " + error.cause());
    }
  }
  if (statistics_.empty() && !plan->frame_features.empty() && output_ == OutputKind::pooled) {
    throw usage_error(where + ": pooling: 'stats' must name at least one statistic");
  }
  const std::vector<std::string> base = frame_names_;
  for (int order = 1; order <= pooling_.deltas; ++order) {
    for (const std::string& name : base)
      frame_names_.push_back(name + "_d" + std::to_string(order));
  }
  if (pooling_.texture_window_s) {
    const double seconds_per_frame =
        static_cast<double>(settings_.hop_length) / settings_.sample_rate;
    const double window = *pooling_.texture_window_s;
    const double hop = pooling_.texture_hop_s.value_or(window);
    texture_frames_ = std::max(1, static_cast<int>(std::lround(window / seconds_per_frame)));
    texture_hop_frames_ = std::max(1, static_cast<int>(std::lround(hop / seconds_per_frame)));
  }

  const std::vector<std::string> globals = pooled_names_;
  pooled_names_ = features::pooled_names(frame_names_, statistics_);
  pooled_names_.insert(pooled_names_.end(), globals.begin(), globals.end());

  config_ = std::move(resolved);
  hash_ = to_hex(fnv1a64(config_.dump()));
  plan_ = std::move(plan);
  worker_.emplace(settings_.stft_options());
}

FeatureExtractor::WorkerState::WorkerState(const dsp::StftOptions& options)
    : stft(std::make_unique<dsp::Stft>(options)),
      workspace(std::make_unique<AnalysisWorkspace>()) {}

FeatureExtractor::WorkerState::WorkerState(const WorkerState& other)
    : WorkerState(other.stft->options()) {}

FeatureExtractor::WorkerState& FeatureExtractor::WorkerState::operator=(const WorkerState& other) {
  if (this != &other) {
    stft = std::make_unique<dsp::Stft>(other.stft->options());
    workspace = std::make_unique<AnalysisWorkspace>();
  }
  return *this;
}

FeatureExtractor FeatureExtractor::from_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw usage_error("cannot open feature config '" + path.string() + "'");
  Json config;
  try {
    config = Json::parse(in);
  } catch (const Json::parse_error& error) {
    throw usage_error(path.string() + ": not valid JSON (" + error.what() + ")");
  }
  return FeatureExtractor(config, path.string());
}

FeatureExtractor::~FeatureExtractor() = default;
FeatureExtractor::FeatureExtractor(const FeatureExtractor&) = default;
FeatureExtractor& FeatureExtractor::operator=(const FeatureExtractor&) = default;
FeatureExtractor::FeatureExtractor(FeatureExtractor&&) noexcept = default;
FeatureExtractor& FeatureExtractor::operator=(FeatureExtractor&&) noexcept = default;

io::LoadOptions FeatureExtractor::load_options() const {
  return audio_.load_options(settings_.sample_rate);
}

FeatureExtractor::Piece FeatureExtractor::analyse_piece(std::span<const float> signal,
                                                        Eigen::Index keep_begin,
                                                        Eigen::Index keep_end,
                                                        ClipReferences* references) {
  AnalysisContext context(signal, settings_, *worker_->stft, *worker_->workspace,
                          plan_->spectrum_in_double);
  if (references) context.set_piece(keep_begin, keep_end, *references);
  const Eigen::Index kept = keep_end - keep_begin;
  const auto base_columns = static_cast<Eigen::Index>(frame_names_.size()) / (pooling_.deltas + 1);
  Piece piece;
  piece.frames.resize(kept, base_columns);
  Eigen::Index column = 0;
  for (const auto& feature : plan_->frame_features) {
    const dsp::Matrix values = feature->compute(context);
    piece.frames.middleCols(column, values.cols()) = values.middleRows(keep_begin, kept);
    column += values.cols();
  }
  for (const auto& feature : plan_->global_features)
    piece.global_values.push_back(feature->frame_values(context).middleRows(keep_begin, kept));
  return piece;
}

void FeatureExtractor::Gathered::add(Piece&& piece) {
  frames.push_back(std::move(piece.frames));
  add_globals(std::move(piece.global_values));
}

void FeatureExtractor::Gathered::add_globals(std::vector<dsp::Matrix>&& values) {
  global_values.resize(values.size());
  for (std::size_t g = 0; g < values.size(); ++g)
    global_values[g].push_back(std::move(values[g]));
}

namespace {

dsp::Matrix stack_rows(const std::vector<dsp::Matrix>& parts, Eigen::Index columns) {
  Eigen::Index rows = 0;
  for (const dsp::Matrix& part : parts)
    rows += part.rows();
  dsp::Matrix out(rows, columns);
  Eigen::Index row = 0;
  for (const dsp::Matrix& part : parts) {
    out.middleRows(row, part.rows()) = part;
    row += part.rows();
  }
  return out;
}

}  // namespace

FeatureExtractor::Computed FeatureExtractor::finish(Gathered&& gathered) const {
  Computed computed;
  const auto base_columns = static_cast<Eigen::Index>(frame_names_.size()) / (pooling_.deltas + 1);
  Eigen::Index rows = 0;
  for (const dsp::Matrix& part : gathered.frames)
    rows += part.rows();
  // Each piece is released once copied: a long clip's frames are held about once, not twice.
  computed.frames.resize(rows, static_cast<Eigen::Index>(frame_names_.size()));
  Eigen::Index row = 0;
  for (dsp::Matrix& part : gathered.frames) {
    computed.frames.block(row, 0, part.rows(), base_columns) = part;
    row += part.rows();
    part = dsp::Matrix();
  }
  for (int order = 1; order <= pooling_.deltas; ++order) {
    computed.frames.middleCols(base_columns * order, base_columns) =
        delta(computed.frames.leftCols(base_columns), pooling_.delta_width, order);
  }
  computed.globals = globals_of(gathered.global_values);
  return computed;
}

std::vector<float> FeatureExtractor::globals_of(
    const std::vector<std::vector<dsp::Matrix>>& values) const {
  std::vector<float> globals;
  for (std::size_t g = 0; g < plan_->global_features.size(); ++g) {
    const std::vector<dsp::Matrix>& parts = values.at(g);
    const dsp::Matrix summary = plan_->global_features[g]->summarize(
        stack_rows(parts, parts.empty() ? 0 : parts[0].cols()));
    globals.insert(globals.end(), summary.data(), summary.data() + summary.size());
  }
  return globals;
}

FeatureExtractor::Computed FeatureExtractor::compute(std::span<const float> signal) {
  Gathered gathered;
  gathered.add(
      analyse_piece(signal, 0, dsp::stft_frames(signal.size(), worker_->stft->options()), nullptr));
  return finish(std::move(gathered));
}

std::vector<float> FeatureExtractor::pool_segment(const dsp::Matrix& frames,
                                                  const std::vector<float>& globals) const {
  std::vector<float> vector = pool(frames, statistics_);
  vector.insert(vector.end(), globals.begin(), globals.end());
  return vector;
}

dsp::Matrix FeatureExtractor::frames(std::span<const float> signal) {
  return compute(signal).frames;
}

std::vector<float> FeatureExtractor::pooled(std::span<const float> signal) {
  const Computed computed = compute(signal);
  return pool_segment(computed.frames, computed.globals);
}

dsp::Matrix FeatureExtractor::texture_windows(std::span<const float> signal) {
  return texture_rows(compute(signal));
}

dsp::Matrix FeatureExtractor::texture_rows(const Computed& computed) const {
  const Eigen::Index frames = computed.frames.rows();
  const Eigen::Index window = texture_frames_ > 0 ? texture_frames_ : frames;
  const Eigen::Index hop =
      texture_hop_frames_ > 0 ? texture_hop_frames_ : std::max<Eigen::Index>(window, 1);
  std::vector<std::vector<float>> rows;
  if (frames <= window) {
    rows.push_back(pool_segment(computed.frames, computed.globals));
  } else {
    for (Eigen::Index start = 0; start + window <= frames; start += hop) {
      rows.push_back(pool_segment(computed.frames.middleRows(start, window), computed.globals));
    }
  }
  dsp::Matrix out(static_cast<Eigen::Index>(rows.size()),
                  static_cast<Eigen::Index>(pooled_names_.size()));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    out.row(static_cast<Eigen::Index>(r)) =
        Eigen::Map<const Eigen::RowVectorXf>(rows[r].data(), out.cols());
  }
  return out;
}

dsp::Matrix FeatureExtractor::rows_of(Computed&& computed) const {
  if (output_ == OutputKind::frames) return std::move(computed.frames);
  if (has_texture_windows()) return texture_rows(computed);
  const std::vector<float> vector = pool_segment(computed.frames, computed.globals);
  return Eigen::Map<const dsp::Matrix>(vector.data(), 1, static_cast<Eigen::Index>(vector.size()));
}

bool FeatureExtractor::analyses_in_pieces(const io::LoadOptions& load) const {
  if (!load.decode.mono || load.trim_top_db || load.fixed_duration_s ||
      load.normalization != io::Normalization::none) {
    return false;
  }
  const auto whole = [](const auto& feature) { return feature->needs_whole_clip(); };
  return std::none_of(plan_->frame_features.begin(), plan_->frame_features.end(), whole) &&
         std::none_of(plan_->global_features.begin(), plan_->global_features.end(), whole);
}

// A clip of several pieces, its frames taken as they come (with their deltas, from a
// DeltaStream): pooled over the whole clip, by a PoolAccumulator; pooled per texture window, each
// window as soon as its frames are in (the rows of texture_rows(), bit for bit); as frames with
// a sink, by the sink. Frames returned whole (no sink) are gathered as for a clip of one piece.
class FeatureExtractor::LongClip {
 public:
  LongClip(const FeatureExtractor& extractor, const RowSink& sink) : x_(extractor), sink_(sink) {
    const bool pooled = x_.output_ == OutputKind::pooled;
    gathers_ = !pooled && !sink_;
    if (gathers_) return;
    if (x_.pooling_.deltas > 0) deltas_.emplace(x_.pooling_.deltas, x_.pooling_.delta_width);
    if (pooled && !x_.has_texture_windows()) {
      pool_.emplace(static_cast<Eigen::Index>(x_.frame_names_.size()), x_.statistics_);
    }
  }

  void add(Piece&& piece) {
    if (gathers_) return gathered_.add(std::move(piece));
    gathered_.add_globals(std::move(piece.global_values));  // one value a frame: small
    take(deltas_ ? deltas_->push(piece.frames) : piece.frames);
  }

  // The rows the sink was not given.
  dsp::Matrix finish() {
    if (gathers_) return x_.rows_of(x_.finish(std::move(gathered_)));
    if (deltas_) take(deltas_->finish());
    if (x_.output_ == OutputKind::frames) {
      return dsp::Matrix(0, static_cast<Eigen::Index>(x_.frame_names_.size()));
    }
    if (pool_) window_rows_.push_back(pool_->result());
    // A clip no longer than one window is one row over all its frames, as texture_rows has it.
    if (window_rows_.empty()) window_rows_.push_back(pool(window_frames_, x_.statistics_));
    const std::vector<float> globals = x_.globals_of(gathered_.global_values);
    dsp::Matrix rows(static_cast<Eigen::Index>(window_rows_.size()),
                     static_cast<Eigen::Index>(x_.pooled_names_.size()));
    for (std::size_t r = 0; r < window_rows_.size(); ++r) {
      std::vector<float>& row = window_rows_[r];
      row.insert(row.end(), globals.begin(), globals.end());
      rows.row(static_cast<Eigen::Index>(r)) =
          Eigen::Map<const Eigen::RowVectorXf>(row.data(), rows.cols());
    }
    return rows;
  }

 private:
  void take(const dsp::Matrix& frames) {
    if (pool_) return pool_->add(frames);
    if (x_.output_ == OutputKind::frames) {
      if (frames.rows() > 0) sink_(frames);
      return;
    }
    // Texture windows: window_frames_ holds the frames from window_frames_start_ on.
    const Eigen::Index window = x_.texture_frames_, hop = x_.texture_hop_frames_;
    if (window_frames_.cols() == 0) window_frames_.resize(0, frames.cols());
    const Eigen::Index held = window_frames_.rows();
    window_frames_.conservativeResize(held + frames.rows(), frames.cols());
    window_frames_.bottomRows(frames.rows()) = frames;
    received_ += frames.rows();
    for (; next_window_ + window <= received_; next_window_ += hop) {
      window_rows_.push_back(pool(
          window_frames_.middleRows(next_window_ - window_frames_start_, window), x_.statistics_));
    }
    const Eigen::Index drop = std::min(next_window_, received_) - window_frames_start_;
    if (drop > 0) {
      window_frames_ = window_frames_.bottomRows(window_frames_.rows() - drop).eval();
      window_frames_start_ += drop;
    }
  }

  const FeatureExtractor& x_;
  const RowSink& sink_;
  bool gathers_ = true;
  Gathered gathered_;
  std::optional<DeltaStream> deltas_;
  std::optional<PoolAccumulator> pool_;
  dsp::Matrix window_frames_;
  Eigen::Index window_frames_start_ = 0, next_window_ = 0, received_ = 0;
  std::vector<std::vector<float>> window_rows_;
};

FeatureExtractor::FileAnalysis FeatureExtractor::analyse_file(const std::filesystem::path& path,
                                                              const io::LoadOptions& load,
                                                              int piece_frames,
                                                              const RowSink& sink) {
  if (piece_frames < 1) throw std::invalid_argument("analyse_file: piece_frames must be ≥ 1");
  FileAnalysis analysis;
  if (!analyses_in_pieces(load)) {
    const auto start = Clock::now();
    const io::Audio audio = io::load_audio(path, load);
    analysis.decode_seconds = seconds_since(start);
    analysis.rows = rows_of(compute(audio.samples));
    analysis.duration_s = audio.duration_s();
    return analysis;
  }
  // The first piece waits for the second: a clip of one piece is analysed as a whole signal
  // (bit for bit); from the second on, the pieces go to a LongClip. When decibels are clipped
  // from the clip's largest value, the first pass only finds that value (each piece was clipped
  // from its own), and a second pass makes the rows.
  ClipReferences references;
  std::optional<Piece> first;
  std::unique_ptr<LongClip> long_clip;
  bool second_pass = false;
  std::int64_t samples = compute_in_pieces(
      path, load.decode, piece_frames, references,
      [&](Piece&& piece) {
        if (!first) {
          first = std::move(piece);
          return;
        }
        if (!long_clip) {
          long_clip = std::make_unique<LongClip>(*this, sink);
          second_pass = !references.max_db.empty();
          if (!second_pass) long_clip->add(std::move(*first));
        }
        if (!second_pass) long_clip->add(std::move(piece));
      },
      analysis.decode_seconds);
  if (!long_clip) {
    Gathered gathered;
    gathered.add(std::move(*first));
    analysis.rows = rows_of(finish(std::move(gathered)));
  } else {
    if (second_pass) {
      references.pass = ClipReferences::Pass::impose;
      long_clip = std::make_unique<LongClip>(*this, sink);
      samples = compute_in_pieces(
          path, load.decode, piece_frames, references,
          [&](Piece&& piece) { long_clip->add(std::move(piece)); }, analysis.decode_seconds);
    }
    analysis.rows = long_clip->finish();
  }
  analysis.duration_s = static_cast<double>(samples) / settings_.sample_rate;
  return analysis;
}

std::int64_t FeatureExtractor::compute_in_pieces(const std::filesystem::path& path,
                                                 const io::DecodeOptions& decode,
                                                 std::int64_t piece_frames,
                                                 ClipReferences& references,
                                                 const std::function<void(Piece&&)>& consume,
                                                 double& decode_seconds) {
  // A piece keeps piece_frames frames and sees kContextFrames more on each side (6 s at the
  // defaults): more than any frame feature reaches (CQT's longest filter, HPSS's median, the
  // onset lag), so that its kept frames are the whole signal's.
  constexpr std::int64_t kContextFrames = 256;
  const std::int64_t hop = settings_.hop_length;
  io::AudioReader reader(path, decode);
  std::vector<float> buffer;  // the signal from sample `buffer_start` on
  std::int64_t buffer_start = 0;
  std::int64_t next = 0;  // the first frame not analysed yet
  bool ended = false;
  while (true) {
    const std::int64_t first = std::max<std::int64_t>(0, next - kContextFrames);
    const std::int64_t wanted = (next + piece_frames + kContextFrames) * hop;
    const auto decode_start = Clock::now();
    while (!ended && buffer_start + static_cast<std::int64_t>(buffer.size()) < wanted)
      ended = !reader.read(buffer);
    decode_seconds += seconds_since(decode_start);
    const std::int64_t available = buffer_start + static_cast<std::int64_t>(buffer.size());
    const auto offset = static_cast<std::size_t>(first * hop - buffer_start);
    if (ended && available <= wanted) {  // the last piece runs to the end of the signal
      const std::span<const float> piece = std::span<const float>(buffer).subspan(offset);
      consume(analyse_piece(piece, next - first,
                            dsp::stft_frames(piece.size(), worker_->stft->options()), &references));
      return available;
    }
    const std::span<const float> piece = std::span<const float>(buffer).subspan(
        offset, static_cast<std::size_t>(wanted - first * hop));
    consume(analyse_piece(piece, next - first, next - first + piece_frames, &references));
    next += piece_frames;
    const std::int64_t drop = std::max<std::int64_t>(0, next - kContextFrames) * hop - buffer_start;
    buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(drop));
    buffer_start += drop;
  }
}

}  // namespace mirkit::features
