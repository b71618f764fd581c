// The plot library: every kind of audio figure is a valid PNG and SVG of the asked size, and
// what it draws is where the axes say (a pure tone is a horizontal line at its frequency).
#include <gtest/gtest.h>

#include <cmath>

#include "image_checks.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/dsp/cqt.hpp"
#include "mirkit/dsp/mel.hpp"
#include "mirkit/plot/audio_figure.hpp"
#include "support/signals.hpp"

namespace mirkit {
namespace plot {
// Test names and failure messages show the kind by name.
void PrintTo(AudioPlotKind kind, std::ostream* out) {
  *out << to_string(kind);
}
}  // namespace plot
namespace {

constexpr int kRate = 22050;

std::vector<float> two_tones() {
  std::vector<float> x = test::sine(440.0, kRate, kRate * 2, 0.3);
  const std::vector<float> high = test::sine(3000.0, kRate, kRate * 2, 0.2);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] += (i / 2205) % 4 == 0 ? high[i] : 0.0f;  // bursts, so HPSS has something percussive
  return x;
}

class EveryKind : public ::testing::TestWithParam<plot::AudioPlotKind> {};

TEST_P(EveryKind, WritesPngAndSvgOfTheAskedSize) {
  const std::vector<float> signal = two_tones();
  const plot::Figure figure =
      plot::audio_figure(signal, Json::object(), GetParam(), 641, 377, "two tones");
  const std::string png = figure.encode(plot::ImageFormat::png);
  EXPECT_EQ(test::png_size(png), std::make_pair(641, 377));
  // Decoded whole, not read from its header: a truncated or damaged file does not pass.
  EXPECT_EQ(test::png_size(png.substr(0, png.size() / 2)), std::make_pair(0, 0));
  std::string damaged = png;
  damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0x5a);
  EXPECT_EQ(test::png_size(damaged), std::make_pair(0, 0));
  const std::string svg = figure.encode(plot::ImageFormat::svg);
  EXPECT_EQ(test::svg_size(svg), std::make_pair(641, 377));
  // Parsed and drawn whole: a truncated document does not pass.
  EXPECT_EQ(test::svg_size(svg.substr(0, svg.size() / 2)), std::make_pair(0, 0));
}

INSTANTIATE_TEST_SUITE_P(Plot, EveryKind,
                         ::testing::Values(plot::AudioPlotKind::wave, plot::AudioPlotKind::stft,
                                           plot::AudioPlotKind::mel, plot::AudioPlotKind::cqt,
                                           plot::AudioPlotKind::chroma, plot::AudioPlotKind::mfcc,
                                           plot::AudioPlotKind::hpss),
                         [](const auto& param_info) {
                           return std::string(plot::to_string(param_info.param));
                         });

// The pixel row (from the top of the image) whose middle half is lightest, inside panel 0.
int lightest_row(const plot::Figure& figure) {
  const plot::Raster raster = figure.raster();
  const plot::Rect area = figure.data_area(0);
  int best = -1;
  double best_luma = -1;
  const int x0 = static_cast<int>(area.x + area.width * 0.25);
  const int x1 = static_cast<int>(area.x + area.width * 0.75);
  for (int y = static_cast<int>(std::ceil(area.y)) + 1;
       y < static_cast<int>(area.y + area.height) - 1; ++y) {
    double sum = 0;
    for (int x = x0; x < x1; ++x)
      sum += test::luma(raster.at(x, y));
    if (sum / (x1 - x0) > best_luma) {
      best_luma = sum / (x1 - x0);
      best = y;
    }
  }
  return best;
}

// Where bin `bin` (of `bins`, bin b centred on b, the lowest at the bottom) is drawn.
double bin_row(const plot::Figure& figure, double bin, int bins) {
  const plot::Rect area = figure.data_area(0);
  return area.y + area.height - (bin + 0.5) / bins * area.height;
}

TEST(Plot, ToneIsALineAtItsMelBand) {
  const std::vector<double> edges = dsp::mel_frequencies(130, 0.0, kRate / 2.0);
  const int band = 60;
  const double hz = edges[band + 1];  // the centre of mel band 60 (about 1.3 kHz)
  const plot::Figure figure = plot::audio_figure(test::sine(hz, kRate, kRate * 2), Json::object(),
                                                 plot::AudioPlotKind::mel, 600, 512);
  const double band_height = figure.data_area(0).height / 128;
  // A Hann-windowed tone spreads over its band and the neighbours, lighter in its own: the
  // lightest row is within one band (plus a pixel of rounding) of the band's centre.
  EXPECT_NEAR(lightest_row(figure), bin_row(figure, band, 128), band_height + 1.0);
}

TEST(Plot, ToneIsALineAtItsStftFrequency) {
  const double hz = 2000.0;
  const plot::Figure figure = plot::audio_figure(test::sine(hz, kRate, kRate * 2), Json::object(),
                                                 plot::AudioPlotKind::stft, 600, 700);
  const int bins = 1025;
  const double bin = hz * 2048 / kRate;
  // The main lobe of a Hann window is 4 bins wide: the line is within 2 bins of the frequency.
  const double two_bins = 2 * figure.data_area(0).height / bins;
  EXPECT_NEAR(lightest_row(figure), bin_row(figure, bin, bins), two_bins + 1.0);
}

TEST(Plot, ToneIsALineAtItsNoteInTheCqt) {
  const plot::Figure figure = plot::audio_figure(
      test::sine(440.0, kRate, kRate * 2), Json::object(), plot::AudioPlotKind::cqt, 600, 504);
  const int bins = 84;
  const double a4 = 12 * std::log2(440.0 / dsp::kC1Hz);  // 45 semitones above C1
  const double bin_height = figure.data_area(0).height / bins;
  EXPECT_NEAR(lightest_row(figure), bin_row(figure, a4, bins), bin_height + 1.0);
}

TEST(Plot, RecipeParametersChangeTheBands) {
  // 40 mel bands from the recipe: the tone's band is found on a 40-band axis.
  const Json recipe = {{"features", {{{"name", "melspectrogram"}, {"n_mels", 40}}}}};
  const std::vector<double> edges = dsp::mel_frequencies(42, 0.0, kRate / 2.0);
  const int band = 20;
  const plot::Figure figure = plot::audio_figure(test::sine(edges[band + 1], kRate, kRate), recipe,
                                                 plot::AudioPlotKind::mel, 400, 400);
  const double band_height = figure.data_area(0).height / 40;
  EXPECT_NEAR(lightest_row(figure), bin_row(figure, band, 40), band_height + 1.0);
}

TEST(Plot, BarAndLineChartsDraw) {
  plot::Figure figure(300, 300);
  plot::BarChart bars;
  bars.categories = {"a", "b"};
  bars.series = {"precision", "recall"};
  bars.values = {{0.5, 1.0}, {0.25, 0.75}};
  bars.value_axis = {"score", 0, 1, {}};
  figure.add(bars);
  plot::LineChart chart;
  chart.x = {"round", 0, 10, {}};
  chart.y = {"loss", 0, 2, {}};
  chart.series = {{"training", {0, 5, 10}, {2, 1, 0.5}}, {"validation", {0, 5, 10}, {2, 1.2, 1}}};
  figure.add(chart);
  EXPECT_EQ(test::png_size(figure.encode(plot::ImageFormat::png)), std::make_pair(300, 300));
  // The bar "b"/"precision" reaches 1.0: the top of the data area is coloured there.
  const plot::Raster raster = figure.raster();
  const plot::Rect area = figure.data_area(0);
  const int x = static_cast<int>(
      area.x + area.width * 0.65);  // first bar of "b": slot 0.5 … 1, bar 0.55 … 0.75
  EXPECT_LT(test::luma(raster.at(x, static_cast<int>(area.y + 3))), 0.9);
}

TEST(Plot, RejectsBadSizesAndNames) {
  EXPECT_THROW(plot::Figure(8, 100), Error);
  EXPECT_THROW(plot::image_format_of("out.jpg"), Error);
  EXPECT_EQ(plot::image_format_of("OUT.SVG"), plot::ImageFormat::svg);
  EXPECT_THROW(plot::parse_audio_plot_kind("spectrum"), Error);
}

}  // namespace
}  // namespace mirkit
