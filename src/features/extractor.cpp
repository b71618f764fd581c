#include "mirkit/features/extractor.hpp"

#include <cmath>
#include <fstream>
#include <set>

#include "mirkit/core/error.hpp"
#include "mirkit/core/hash.hpp"
#include "mirkit/features/delta.hpp"

namespace mirkit::features {
namespace {

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

const ParamSchema& audio_schema() {
  static const ParamSchema schema{
      {"mono", ParamType::boolean, true, "downmix to the channel mean (features need mono)"},
      {"resample_quality",
       ParamType::string,
       "high",
       "resampler setting",
       {},
       {},
       {"fast", "high"}},
      {"offset_s", ParamType::number, 0.0, "start reading here (s)", 0.0, {}},
      {"duration_s",
       ParamType::number,
       nullptr,
       "read at most this long (s); null = to the end",
       0.001,
       {},
       {},
       true},
      {"trim_top_db",
       ParamType::number,
       nullptr,
       "trim leading/trailing silence this far below the peak (dB); null = keep",
       1.0,
       {},
       {},
       true},
      {"normalization",
       ParamType::string,
       "none",
       "level normalisation",
       {},
       {},
       {"none", "peak", "rms"}},
      {"normalization_dbfs", ParamType::number, 0.0,
       "target level for peak/rms normalisation (dBFS)", -200.0, 0.0},
      {"fixed_duration_s",
       ParamType::number,
       nullptr,
       "pad with zeros or cut to this length (s); null = as is",
       0.001,
       {},
       {},
       true},
  };
  return schema;
}

const ParamSchema& pooling_schema() {
  static const ParamSchema schema{
      {"stats", ParamType::string_list, Json::array({"mean", "std"}),
       "statistics over frames: mean std var min max median skew kurtosis pNN"},
      {"deltas", ParamType::integer, 0, "also pool the deltas (1) or deltas and delta-deltas (2)",
       0, 2},
      {"delta_width", ParamType::integer, 9, "frames in the delta filter (odd)", 3, 99},
      {"texture_window_s",
       ParamType::number,
       nullptr,
       "pool per window of this many seconds; null = whole clip",
       0.01,
       {},
       {},
       true},
      {"texture_hop_s",
       ParamType::number,
       nullptr,
       "seconds between windows; null = the window length",
       0.01,
       {},
       {},
       true},
  };
  return schema;
}

Json section(const Json& config, const char* name) {
  const auto it = config.find(name);
  return it == config.end() || it->is_null() ? Json::object() : *it;
}

}  // namespace

FeatureExtractor::FeatureExtractor(const Json& config, const std::string& where) {
  if (!config.is_object()) throw usage_error(where + ": a feature config must be a JSON object");
  Json resolved = top_schema().resolve(config, where, {"analysis", "audio", "features", "pooling"});
  resolved["audio"] = audio_schema().resolve(section(config, "audio"), where + ": audio");
  resolved["analysis"] =
      AnalysisSettings::schema().resolve(section(config, "analysis"), where + ": analysis");
  resolved["pooling"] = pooling_schema().resolve(section(config, "pooling"), where + ": pooling");
  settings_ = AnalysisSettings::from_json(resolved["analysis"]);
  output_ = resolved["output"] == "frames" ? OutputKind::frames : OutputKind::pooled;

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
    if (feature->is_global()) {
      pooled_names_.insert(pooled_names_.end(), names.begin(), names.end());  // appended below
      global_features_.push_back(std::move(feature));
    } else {
      frame_names_.insert(frame_names_.end(), names.begin(), names.end());
      frame_features_.push_back(std::move(feature));
    }
  }
  if (output_ == OutputKind::frames && !global_features_.empty()) {
    throw usage_error(where + ": output \"frames\" cannot hold a per-clip feature (tempo)");
  }
  if (frame_features_.empty() && output_ == OutputKind::frames) {
    throw usage_error(where + ": output \"frames\" needs at least one frame feature");
  }

  const Json& pooling = resolved["pooling"];
  for (const Json& stat : pooling["stats"]) {
    try {
      statistics_.push_back(parse_statistic(stat.get<std::string>()));
    } catch (const Error& error) {
      throw usage_error(where + ": pooling: 'stats': " + error.cause());
    }
  }
  if (statistics_.empty() && !frame_features_.empty() && output_ == OutputKind::pooled) {
    throw usage_error(where + ": pooling: 'stats' must name at least one statistic");
  }
  deltas_ = pooling["deltas"].get<int>();
  delta_width_ = pooling["delta_width"].get<int>();
  if (delta_width_ % 2 == 0) throw usage_error(where + ": pooling: 'delta_width' must be odd");
  const std::vector<std::string> base = frame_names_;
  for (int order = 1; order <= deltas_; ++order) {
    for (const std::string& name : base)
      frame_names_.push_back(name + "_d" + std::to_string(order));
  }
  if (!pooling["texture_window_s"].is_null()) {
    const double seconds_per_frame =
        static_cast<double>(settings_.hop_length) / settings_.sample_rate;
    const double window = pooling["texture_window_s"].get<double>();
    const double hop =
        pooling["texture_hop_s"].is_null() ? window : pooling["texture_hop_s"].get<double>();
    texture_frames_ = std::max(1, static_cast<int>(std::lround(window / seconds_per_frame)));
    texture_hop_frames_ = std::max(1, static_cast<int>(std::lround(hop / seconds_per_frame)));
  }

  const std::vector<std::string> globals = pooled_names_;
  pooled_names_ = features::pooled_names(frame_names_, statistics_);
  pooled_names_.insert(pooled_names_.end(), globals.begin(), globals.end());

  config_ = std::move(resolved);
  hash_ = to_hex(fnv1a64(config_.dump()));
  stft_ = std::make_unique<dsp::Stft>(settings_.stft_options());
  workspace_ = std::make_unique<AnalysisWorkspace>();
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
FeatureExtractor::FeatureExtractor(FeatureExtractor&&) noexcept = default;
FeatureExtractor& FeatureExtractor::operator=(FeatureExtractor&&) noexcept = default;

io::LoadOptions FeatureExtractor::load_options() const {
  const Json& audio = config_["audio"];
  io::LoadOptions options;
  options.decode.sample_rate = settings_.sample_rate;
  options.decode.mono = audio["mono"].get<bool>();
  options.decode.quality = io::parse_resample_quality(audio["resample_quality"].get<std::string>());
  options.decode.offset_s = audio["offset_s"].get<double>();
  if (!audio["duration_s"].is_null()) options.decode.duration_s = audio["duration_s"].get<double>();
  if (!audio["trim_top_db"].is_null()) options.trim_top_db = audio["trim_top_db"].get<double>();
  options.normalization = io::parse_normalization(audio["normalization"].get<std::string>());
  options.normalization_dbfs = audio["normalization_dbfs"].get<double>();
  if (!audio["fixed_duration_s"].is_null())
    options.fixed_duration_s = audio["fixed_duration_s"].get<double>();
  return options;
}

FeatureExtractor::Computed FeatureExtractor::compute(std::span<const float> signal) {
  AnalysisContext context(signal, settings_, *stft_, *workspace_);
  const Eigen::Index frames = context.frames();
  Computed computed;
  const auto base_columns = static_cast<Eigen::Index>(frame_names_.size()) / (deltas_ + 1);
  computed.frames.resize(frames, static_cast<Eigen::Index>(frame_names_.size()));
  Eigen::Index column = 0;
  for (const auto& feature : frame_features_) {
    const dsp::Matrix values = feature->compute(context);
    computed.frames.middleCols(column, values.cols()) = values;
    column += values.cols();
  }
  for (int order = 1; order <= deltas_; ++order) {
    computed.frames.middleCols(base_columns * order, base_columns) =
        delta(computed.frames.leftCols(base_columns), delta_width_, order);
  }
  for (const auto& feature : global_features_) {
    const dsp::Matrix values = feature->compute(context);
    computed.globals.insert(computed.globals.end(), values.data(), values.data() + values.size());
  }
  return computed;
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
  const Computed computed = compute(signal);
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

}  // namespace mirkit::features
