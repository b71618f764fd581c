#include "mirkit/plot/audio_figure.hpp"

#include <array>
#include <cmath>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/dsp/cqt.hpp"
#include "mirkit/dsp/decibel.hpp"
#include "mirkit/dsp/mel.hpp"
#include "mirkit/features/analysis.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/io/audio_reader.hpp"
#include "ticks.hpp"

namespace mirkit::plot {
namespace {

constexpr std::array<const char*, 7> kKindNames = {"wave",   "stft", "mel", "cqt",
                                                   "chroma", "mfcc", "hpss"};

// The recipe's feature entry this plot draws: the first of `names` it lists, else the first
// name with its defaults.
Json feature_entry(const Json& recipe, std::initializer_list<const char*> names) {
  if (recipe.contains("features") && recipe["features"].is_array()) {
    for (const Json& entry : recipe["features"]) {
      if (!entry.is_object() || !entry.contains("name")) continue;
      for (const char* name : names) {
        if (entry["name"] == name) {
          Json copy = entry;
          copy.erase("as");  // the column names do not matter here
          return copy;
        }
      }
    }
  }
  return {{"name", *names.begin()}};
}

// The recipe cut down to one frame feature: the same audio reading and framing, so that the
// library computes exactly what extraction with that recipe computes.
features::FeatureExtractor single_feature(const Json& recipe, Json entry,
                                          const std::string& where) {
  Json config = {{"features", Json::array({std::move(entry)})}, {"output", "frames"}};
  for (const char* section : {"audio", "analysis"}) {
    if (recipe.contains(section)) config[section] = recipe[section];
  }
  return features::FeatureExtractor(config, where);
}

// Frame r (centred on r·hop) spans [r − ½, r + ½]·hop / sample rate seconds.
Axis time_axis(Eigen::Index frames, const features::AnalysisSettings& settings) {
  const double hop_s = static_cast<double>(settings.hop_length) / settings.sample_rate;
  return {"time (s)", -0.5 * hop_s, (static_cast<double>(frames) - 0.5) * hop_s, {}};
}

// A y axis in bin units (bin b centred on b) with ticks at frequencies in Hz: `centres` are the
// bins' centre frequencies, ascending.
Axis hz_ticks_on_bins(const std::vector<double>& centres, std::string label) {
  Axis axis{std::move(label), -0.5, static_cast<double>(centres.size()) - 0.5, {}};
  static constexpr std::array<double, 17> kHz = {20,   50,    100,   200,   300,  500,
                                                 1000, 2000,  3000,  4000,  5000, 6000,
                                                 8000, 10000, 12000, 16000, 20000};
  double last = -1e9;
  // Ticks closer than a twelfth of the axis would overprint each other.
  const double spacing = static_cast<double>(centres.size()) / 12.0;
  for (const double hz : kHz) {
    if (hz < centres.front() || hz > centres.back()) continue;
    const auto upper = std::upper_bound(centres.begin(), centres.end(), hz);
    const auto i = static_cast<std::size_t>(std::max<std::ptrdiff_t>(upper - centres.begin(), 1));
    const double f0 = centres[i - 1], f1 = centres[std::min(i, centres.size() - 1)];
    const double bin = static_cast<double>(i - 1) + (f1 > f0 ? (hz - f0) / (f1 - f0) : 0.0);
    if (bin - last < spacing) continue;
    axis.ticks.push_back({bin, number_text(hz)});
    last = bin;
  }
  return axis;
}

HeatMap spectrogram(dsp::Matrix values, Axis x, Axis y, std::string colour_label) {
  HeatMap map;
  map.values = std::move(values);
  map.x = std::move(x);
  map.y = std::move(y);
  map.colour_label = std::move(colour_label);
  map.smooth = true;
  return map;
}

double resolved_number(const Json& params, const char* key, double fallback) {
  const Json& value = params.at(key);
  return value.is_number() && value.get<double>() > 0 ? value.get<double>() : fallback;
}

HeatMap mel_map(std::span<const float> signal, const Json& recipe, const std::string& where) {
  Json entry = feature_entry(recipe, {"melspectrogram"});
  entry["decibels"] = true;
  features::FeatureExtractor extractor = single_feature(recipe, entry, where);
  const Json& p = extractor.config()["features"][0];
  const features::AnalysisSettings& s = extractor.analysis();
  const int n_mels = p.at("n_mels").get<int>();
  const double fmax = resolved_number(p, "fmax", s.sample_rate / 2.0);
  std::vector<double> edges =
      dsp::mel_frequencies(n_mels + 2, p.at("fmin").get<double>(), fmax,
                           p.at("mel_scale") == "htk" ? dsp::MelScale::htk : dsp::MelScale::slaney);
  const std::vector<double> centres(edges.begin() + 1, edges.end() - 1);
  dsp::Matrix values = extractor.frames(signal);
  const Eigen::Index frames = values.rows();
  return spectrogram(std::move(values), time_axis(frames, s),
                     hz_ticks_on_bins(centres, "frequency (Hz, mel scale)"), "dB");
}

HeatMap cqt_map(std::span<const float> signal, const Json& recipe, const std::string& where) {
  Json entry = feature_entry(recipe, {"cqt"});
  entry["decibels"] = true;
  features::FeatureExtractor extractor = single_feature(recipe, entry, where);
  const Json& p = extractor.config()["features"][0];
  const int bpo = p.at("bins_per_octave").get<int>();
  const int n_bins = p.at("n_octaves").get<int>() * bpo;
  const double fmin = p.at("fmin").get<double>();
  dsp::Matrix values = extractor.frames(signal);
  const Eigen::Index frames = values.rows();
  Axis y{"pitch (A440)", -0.5, n_bins - 0.5, {}};
  // A tick at every C: MIDI note 12·(octave + 1); bin b has 2^(b/bpo)·fmin Hz.
  static const std::array<const char*, 12> kNames = {"C",  "C#", "D",  "D#", "E",  "F",
                                                     "F#", "G",  "G#", "A",  "A#", "B"};
  for (int midi = 0; midi <= 132; ++midi) {
    const double hz = 440.0 * std::pow(2.0, (midi - 69) / 12.0);
    const double bin = bpo * std::log2(hz / fmin);
    if (bin < -0.01 || bin > n_bins - 1 + 0.01) continue;
    if (midi % 12 != 0 && n_bins > 24) continue;  // short ranges name every note
    y.ticks.push_back({bin, std::string(kNames[static_cast<std::size_t>(midi % 12)]) +
                                std::to_string(midi / 12 - 1)});
  }
  return spectrogram(std::move(values), time_axis(frames, extractor.analysis()), std::move(y),
                     "dB");
}

HeatMap chroma_map(std::span<const float> signal, const Json& recipe, const std::string& where) {
  features::FeatureExtractor extractor =
      single_feature(recipe, feature_entry(recipe, {"chroma_stft", "chroma_cqt"}), where);
  dsp::Matrix values = extractor.frames(signal);
  const Eigen::Index frames = values.rows();
  const std::vector<std::string>& names = extractor.frame_names();
  Axis y{"pitch class", -0.5, static_cast<double>(names.size()) - 0.5, {}};
  for (std::size_t c = 0; c < names.size(); ++c)
    y.ticks.push_back({static_cast<double>(c), names[c].substr(names[c].rfind('_') + 1)});
  HeatMap map = spectrogram(std::move(values), time_axis(frames, extractor.analysis()),
                            std::move(y), "energy (frame max = 1)");
  map.smooth = false;  // twelve discrete classes
  map.low = 0;
  map.high = 1;
  return map;
}

HeatMap mfcc_map(std::span<const float> signal, const Json& recipe, const std::string& where) {
  features::FeatureExtractor extractor =
      single_feature(recipe, feature_entry(recipe, {"mfcc"}), where);
  dsp::Matrix values = extractor.frames(signal);
  const Eigen::Index frames = values.rows();
  Axis y{"MFCC (c0 at the bottom)", -0.5, static_cast<double>(values.cols()) - 0.5, {}};
  HeatMap map = spectrogram(std::move(values), time_axis(frames, extractor.analysis()),
                            std::move(y), "coefficient");
  map.smooth = false;
  return map;
}

// STFT and HPSS come straight from the analysis context, as the spectral features get them.
struct Magnitudes {
  features::AnalysisSettings settings;
  dsp::Matrix full;
  dsp::HpssParts parts;
};

Magnitudes magnitudes(std::span<const float> signal, const Json& recipe, const std::string& where,
                      bool with_hpss) {
  const features::FeatureExtractor extractor =
      single_feature(recipe, Json{{"name", "melspectrogram"}}, where);
  Magnitudes m;
  m.settings = extractor.analysis();
  dsp::Stft stft(m.settings.stft_options());
  features::AnalysisWorkspace workspace;
  features::AnalysisContext context(signal, m.settings, stft, workspace);
  m.full = context.magnitude();
  if (with_hpss) m.parts = context.hpss();
  return m;
}

Axis linear_hz_axis(const features::AnalysisSettings& s, Eigen::Index bins) {
  const double bin_hz = static_cast<double>(s.sample_rate) / s.n_fft;
  return {"frequency (Hz)", -0.5 * bin_hz, (static_cast<double>(bins) - 0.5) * bin_hz, {}};
}

void add_wave(Figure& figure, std::span<const float> signal, int sample_rate, int width) {
  // Long signals are drawn as their envelope: the min and max of each of ~2 columns per pixel,
  // joined, which is what the eye sees of a waveform anyway.
  const std::size_t n = signal.size();
  const std::size_t columns = static_cast<std::size_t>(std::max(width, 16)) * 2;
  Series series{"waveform", {}, {}};
  if (n <= columns * 2) {
    for (std::size_t i = 0; i < n; ++i) {
      series.x.push_back(static_cast<double>(i) / sample_rate);
      series.y.push_back(signal[i]);
    }
  } else {
    for (std::size_t c = 0; c < columns; ++c) {
      const std::size_t begin = c * n / columns, end = (c + 1) * n / columns;
      const auto [lo, hi] = std::minmax_element(signal.begin() + static_cast<std::ptrdiff_t>(begin),
                                                signal.begin() + static_cast<std::ptrdiff_t>(end));
      const double t = static_cast<double>(begin + end) / 2.0 / sample_rate;
      series.x.insert(series.x.end(), {t, t});
      series.y.insert(series.y.end(), {*lo, *hi});
    }
  }
  double peak = 0;
  for (const float v : signal)
    peak = std::max(peak, static_cast<double>(std::abs(v)));
  peak = peak > 0 ? peak * 1.05 : 1.0;
  LineChart chart;
  chart.x = {"time (s)", 0, std::max(static_cast<double>(n) / sample_rate, 1.0 / sample_rate), {}};
  chart.y = {"amplitude", -peak, peak, {}};
  chart.series.push_back(std::move(series));
  figure.add(std::move(chart));
}

}  // namespace

AudioPlotKind parse_audio_plot_kind(const std::string& name) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (name == kKindNames[i]) return static_cast<AudioPlotKind>(i);
  }
  throw usage_error("--kind " + name +
                    ": unknown; the kinds are wave, stft, mel, cqt, chroma, mfcc, hpss");
}

const char* to_string(AudioPlotKind kind) {
  return kKindNames[static_cast<std::size_t>(kind)];
}

Figure audio_figure(std::span<const float> signal, const Json& recipe, AudioPlotKind kind,
                    int width, int height, const std::string& title, const std::string& where) {
  Figure figure(width, height, title);
  switch (kind) {
    case AudioPlotKind::wave: {
      const features::FeatureExtractor extractor =
          single_feature(recipe, Json{{"name", "melspectrogram"}}, where);
      add_wave(figure, signal, extractor.analysis().sample_rate, width);
      break;
    }
    case AudioPlotKind::stft: {
      Magnitudes m = magnitudes(signal, recipe, where, false);
      const Eigen::Index frames = m.full.rows(), bins = m.full.cols();
      figure.add(spectrogram(dsp::amplitude_to_db(m.full), time_axis(frames, m.settings),
                             linear_hz_axis(m.settings, bins), "dB"));
      break;
    }
    case AudioPlotKind::hpss: {
      Magnitudes m = magnitudes(signal, recipe, where, true);
      const Eigen::Index frames = m.full.rows(), bins = m.full.cols();
      // One dB scale for both parts (top_db below the louder one), so they compare by colour.
      const dsp::Matrix harmonic = dsp::amplitude_to_db(m.parts.harmonic, {.top_db = std::nullopt});
      const dsp::Matrix percussive =
          dsp::amplitude_to_db(m.parts.percussive, {.top_db = std::nullopt});
      const double high = std::max(harmonic.maxCoeff(), percussive.maxCoeff());
      for (const auto& [name, part] :
           {std::pair{"harmonic", &harmonic}, {"percussive", &percussive}}) {
        HeatMap map = spectrogram(*part, time_axis(frames, m.settings),
                                  linear_hz_axis(m.settings, bins), "dB");
        map.high = high;
        map.low = high - 80.0;  // librosa's top_db
        figure.add(std::move(map), name);
      }
      break;
    }
    case AudioPlotKind::mel:
      figure.add(mel_map(signal, recipe, where));
      break;
    case AudioPlotKind::cqt:
      figure.add(cqt_map(signal, recipe, where));
      break;
    case AudioPlotKind::chroma:
      figure.add(chroma_map(signal, recipe, where));
      break;
    case AudioPlotKind::mfcc:
      figure.add(mfcc_map(signal, recipe, where));
      break;
  }
  return figure;
}

void plot_audio(const PlotAudioOptions& options) {
  Json recipe = Json::object();
  std::string where = "default recipe";
  if (!options.recipe.empty()) {
    where = options.recipe.string();
    std::string text;
    try {
      text = read_file(options.recipe);
    } catch (const Error& error) {
      throw usage_error(std::string("feature recipe: ") + error.what());
    }
    try {
      recipe = Json::parse(text);
    } catch (const Json::parse_error& error) {
      throw usage_error(where + ": not valid JSON (" + error.what() + ")");
    }
  }
  (void)image_format_of(options.output);  // a bad name fails before any work
  const features::FeatureExtractor extractor =
      single_feature(recipe, Json{{"name", "melspectrogram"}}, where);
  io::LoadOptions load = extractor.load_options();
  load.decode.mono = true;  // one picture of the channel mean, as the features see it
  const io::Audio audio = io::load_audio(options.audio, load);
  const std::string title = options.audio.filename().string() + " — " + to_string(options.kind);
  audio_figure(audio.samples, recipe, options.kind, options.width, options.height, title, where)
      .save(options.output);
}

}  // namespace mirkit::plot
