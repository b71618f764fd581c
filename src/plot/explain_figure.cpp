#include "mirkit/plot/explain_figure.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ticks.hpp"

namespace mirkit::plot {
namespace {

// Cells of the probability strip across the clip: finer than any segment a user would ask for
// on a screen-wide figure.
constexpr int kStripCells = 400;

Axis time_axis(double duration_s) {
  return {"time (s)", 0, std::max(duration_s, 1e-3), {}};
}

// y ticks naming each row (class, band) at its centre; rows spread evenly when there are many.
Axis named_rows(const std::vector<std::string>& names, std::string label) {
  Axis axis{std::move(label), -0.5, static_cast<double>(names.size()) - 0.5, {}};
  const std::size_t step = std::max<std::size_t>(1, names.size() / 16);
  for (std::size_t i = 0; i < names.size(); i += step)
    axis.ticks.push_back({static_cast<double>(i), names[i]});
  return axis;
}

Axis band_axis(const pipeline::SaliencyMap& map) {
  const auto bins = static_cast<double>(map.input.cols());
  Axis axis{map.input_name == "melspectrogram" ? "mel band" : map.input_name + " column",
            -0.5,
            bins - 0.5,
            {}};
  if (map.band_hz.size() != static_cast<std::size_t>(map.input.cols())) return axis;
  axis.label = "frequency (Hz, mel scale)";
  // A tick on the band nearest each round frequency, spaced at least a tenth of the axis.
  double last = -1e9;
  for (const double hz : {100.0, 200.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0, 16000.0}) {
    const auto nearest =
        std::min_element(map.band_hz.begin(), map.band_hz.end(),
                         [&](double a, double b) { return std::abs(a - hz) < std::abs(b - hz); });
    const auto band = static_cast<double>(nearest - map.band_hz.begin());
    if (std::abs(*nearest - hz) > hz * 0.1 || band - last < bins / 10) continue;
    axis.ticks.push_back({band, number_text(hz)});
    last = band;
  }
  return axis;
}

HeatMap probability_strip(const pipeline::ClassTimeline& t) {
  HeatMap strip;
  const auto classes = static_cast<Eigen::Index>(t.classes.size());
  strip.values = dsp::Matrix::Constant(kStripCells, classes, std::nanf(""));
  const double duration = std::max(t.duration_s, 1e-3);
  for (int cell = 0; cell < kStripCells; ++cell) {
    const double at = (cell + 0.5) * duration / kStripCells;
    // The latest segment that covers the cell (network windows may overlap at the clip's end).
    for (std::size_t s = t.starts.size(); s-- > 0;) {
      if (t.starts[s] <= at && at < t.starts[s] + t.segment_s) {
        strip.values.row(cell) = t.probabilities.row(static_cast<Eigen::Index>(s));
        break;
      }
    }
  }
  strip.x = time_axis(duration);
  strip.y = named_rows(t.classes, "class");
  strip.low = 0;
  strip.high = 1;
  strip.colour_label = "probability";
  return strip;
}

void add_saliency(Figure& figure, const pipeline::Explanation& e) {
  const pipeline::SaliencyMap& map = *e.saliency;
  const double duration = static_cast<double>(map.input.rows()) * map.hop_s;
  HeatMap input;
  input.values = map.input;
  input.x = {"time (s)", -0.5 * map.hop_s, duration - 0.5 * map.hop_s, {}};
  input.y = band_axis(map);
  input.colour_label = map.input_name == "melspectrogram" ? "dB" : "value";
  input.smooth = true;
  HeatMap saliency = input;
  saliency.values = map.saliency;
  // Only what spoke for the class is coloured; regions against it stay dark.
  saliency.low = 0;
  saliency.high = std::max(1e-6, static_cast<double>(map.saliency.maxCoeff()));
  const bool gradient = map.method == "gradient";
  saliency.colour_label = gradient ? "gradient × (input − mean)" : "probability drop";
  figure.add(std::move(input), "Network input (" + map.input_name + ")", 1.0);
  figure.add(std::move(saliency),
             gradient ? "Gradient saliency for '" + e.class_name +
                            "' (d logit / d input × the input's difference from its mean)"
                      : "Occlusion saliency for '" + e.class_name + "' (" +
                            std::to_string(map.patch_frames) + " frames × " +
                            std::to_string(map.patch_bins) + " bands hidden at a time)",
             1.0);
}

// A raw-waveform network (configs/features/waveform.json): each frame holds hop samples, the
// frames one after the other are the signal from −hop/2 on. Its input and saliency are drawn as
// curves over time, in spans of equal length: the waveform's peak, and the saliency that spoke
// for the class (its positive part) summed over each span.
void add_waveform_saliency(Figure& figure, const pipeline::Explanation& e) {
  constexpr Eigen::Index kSpans = 1000;
  const pipeline::SaliencyMap& map = *e.saliency;
  const Eigen::Index samples = map.input.size(), per_frame = map.input.cols();
  const double sample_s = map.hop_s / static_cast<double>(per_frame);
  const double start_s = -static_cast<double>(per_frame / 2) * sample_s;
  const Eigen::Index spans = std::min(samples, kSpans);
  Series peak{"peak |sample|", {}, {}}, spoke{"saliency", {}, {}};
  for (Eigen::Index s = 0; s < spans; ++s) {
    const Eigen::Index first = s * samples / spans, last = (s + 1) * samples / spans;
    double largest = 0, total = 0;
    for (Eigen::Index i = first; i < last; ++i) {  // row-major: frame after frame
      largest = std::max(largest, std::abs(static_cast<double>(map.input.data()[i])));
      total += std::max(0.0, static_cast<double>(map.saliency.data()[i]));
    }
    const double at = start_s + 0.5 * static_cast<double>(first + last) * sample_s;
    peak.x.push_back(at), peak.y.push_back(largest);
    spoke.x.push_back(at), spoke.y.push_back(total);
  }
  const Axis time = {"time (s)", start_s, start_s + static_cast<double>(samples) * sample_s, {}};
  const auto top = [](const Series& series) {
    const double m = *std::max_element(series.y.begin(), series.y.end());
    return m > 0 ? m * 1.05 : 1.0;
  };
  LineChart input{time, {"peak |sample|", 0, top(peak), {}}, {std::move(peak)}};
  LineChart saliency{time, {"saliency per span", 0, top(spoke), {}}, {std::move(spoke)}};
  const bool gradient = map.method == "gradient";
  figure.add(std::move(input), "Network input (waveform)", 1.0);
  figure.add(std::move(saliency),
             (gradient ? "Gradient saliency for '" : "Occlusion saliency for '") + e.class_name +
                 "' over time (" +
                 (gradient ? "d logit / d sample × the sample's difference from the mean"
                           : "probability drop") +
                 ", summed over " + number_text(std::round(1e4 * sample_s * samples / spans) / 10) +
                 " ms spans)",
             1.0);
}

void add_importances(Figure& figure, const pipeline::FeatureImportances& importances,
                     std::size_t top) {
  std::vector<std::size_t> order(importances.values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return importances.values[a] > importances.values[b];
  });
  order.resize(std::min(order.size(), top));
  BarChart bars;
  bars.series = {"importance"};
  bars.values.assign(1, {});
  double largest = 0;
  for (const std::size_t i : order) {
    bars.categories.push_back(importances.names[i]);
    bars.values[0].push_back(importances.values[i]);
    bars.value_text.push_back(number_text(std::round(importances.values[i] * 1000) / 1000));
    largest = std::max(largest, importances.values[i]);
  }
  bars.value_axis = {importances.measure + " (sums to 1 over all features)",
                     0,
                     largest > 0 ? largest * 1.05 : 1.0,
                     {}};
  bars.horizontal = true;
  figure.add(std::move(bars),
             "Feature importances (the " + std::to_string(order.size()) + " largest of " +
                 std::to_string(importances.values.size()) + ")",
             2.0);
}

}  // namespace

Figure explanation_figure(const pipeline::Explanation& e, int width, int height,
                          const std::string& title, std::size_t top_features) {
  Figure figure(width, height, title);
  if (e.saliency) {
    if (e.saliency->input_name == "waveform") {
      add_waveform_saliency(figure, e);
    } else {
      add_saliency(figure, e);
    }
  }
  if (e.importances) add_importances(figure, *e.importances, top_features);
  const bool alone = !e.saliency && !e.importances;
  figure.add(probability_strip(e.timeline),
             "Class probabilities per " +
                 number_text(std::round(e.timeline.segment_s * 100) / 100) + " s segment",
             alone ? 1.0 : 0.7);
  return figure;
}

}  // namespace mirkit::plot
