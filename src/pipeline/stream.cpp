// predict_stream: decode the stream block by block (small blocks, so that a row is not held
// back waiting for a large one), keep the last seconds a row needs at the model's rate, and at
// each row's end score them as predict scores a clip.
#include "mirkit/pipeline/stream.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "mirkit/core/error.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/io/audio_reader.hpp"
#include "row_writer.hpp"

namespace mirkit::pipeline {
namespace {

constexpr const char* kStreamName = "standard input";
// Decoder blocks of 256 frames (5.8 ms at 44.1 kHz): the decoder waits for a block whole, so
// this is the most a sample waits before it can be in a row.
constexpr std::size_t kStreamBlockFrames = 256;

// A recipe setting that needs the whole clip before any of it is analysed cannot label a
// stream as it comes.
void refuse_whole_clip_settings(const io::LoadOptions& load, double history_s,
                                const std::string& model) {
  const auto refuse = [&](const std::string& setting) {
    throw usage_error("predict: " + model + ": its recipe's audio." + setting +
                      " needs the whole clip before analysing it; a stream is labelled as it "
                      "comes");
  };
  if (load.trim_top_db) refuse("trim_top_db");
  if (load.normalization != io::Normalization::none) refuse("normalization");
  if (load.fixed_duration_s) refuse("fixed_duration_s");
  if (load.decode.offset_s > 0.0) refuse("offset_s");
  if (load.decode.duration_s && history_s > *load.decode.duration_s) {
    throw usage_error("predict: " + model + " analyses at most " +
                      std::to_string(*load.decode.duration_s) +
                      " s of a clip (audio.duration_s): --stream-history must not be longer");
  }
}

}  // namespace

StreamSummary predict_stream(const StreamOptions& options, int fd, std::ostream& out) {
  if (options.every_s && !(*options.every_s > 0.0)) throw usage_error("--stream-every must be > 0");
  if (!(options.history_s > 0.0)) throw usage_error("--stream-history must be > 0");
  const std::unique_ptr<ClipScorer> scorer = ClipScorer::load(options.model);
  const std::string model = options.model.string();
  features::FeatureExtractor extractor(scorer->feature_config(), model);
  io::LoadOptions load = extractor.load_options();
  refuse_whole_clip_settings(load, options.history_s, model);
  load.decode.duration_s.reset();
  load.decode.block_frames = kStreamBlockFrames;
  io::AudioReader reader(io::open_audio_stream(fd, kStreamName, options.raw), load.decode);
  const int rate = reader.sample_rate();

  RowFormat format{
      options.jsonl, options.top_k, options.min_prob, options.unknown_label, {"start_s", "end_s"}};
  const RowWriter writer(*scorer, format, model_file_hash(options.model));
  out << writer.header() << std::flush;

  const auto history = std::max<std::int64_t>(1, std::llround(options.history_s * rate));
  const std::int64_t step =
      options.every_s ? std::max<std::int64_t>(1, std::llround(*options.every_s * rate)) : 0;
  std::vector<float> kept;  // the stream from sample kept_start on
  std::int64_t kept_start = 0;
  std::int64_t next_end = step;  // the end of the next row
  std::int64_t last_end = 0;
  StreamSummary summary;
  using Clock = std::chrono::steady_clock;
  const auto emit = [&](std::int64_t end, Clock::time_point arrived) {
    const std::int64_t begin = step > 0 ? std::max<std::int64_t>(0, end - history) : 0;
    const std::span<const float> signal = std::span<const float>(kept).subspan(
        static_cast<std::size_t>(begin - kept_start), static_cast<std::size_t>(end - begin));
    const ClipScores scores = scorer->score_signal(extractor, signal, options.windowing);
    out << writer.row({static_cast<double>(begin) / rate, static_cast<double>(end) / rate},
                      scores.clip)
        << std::flush;
    ++summary.rows;
    last_end = end;
    summary.slowest_row_s = std::max(summary.slowest_row_s,
                                     std::chrono::duration<double>(Clock::now() - arrived).count());
  };
  while (reader.read(kept)) {
    const auto arrived = Clock::now();
    const std::int64_t received = kept_start + static_cast<std::int64_t>(kept.size());
    for (; step > 0 && received >= next_end; next_end += step)
      emit(next_end, arrived);
    // Only what the next row will read is kept (everything, for one row at the end); the front
    // goes once it is at least half the buffer, so each sample moves about once.
    if (step > 0) {
      const auto unneeded = static_cast<std::size_t>(std::clamp<std::int64_t>(
          next_end - history - kept_start, 0, static_cast<std::int64_t>(kept.size())));
      if (unneeded > 0 && 2 * unneeded >= kept.size()) {
        kept.erase(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(unneeded));
        kept_start += static_cast<std::int64_t>(unneeded);
      }
    }
  }
  const std::int64_t received = kept_start + static_cast<std::int64_t>(kept.size());
  if (received == 0) throw usage_error("predict: " + std::string(kStreamName) + ": no audio");
  // The stream's last part, shorter than a step (or the whole stream, without steps).
  if (received > last_end) emit(received, Clock::now());
  summary.audio_s = static_cast<double>(received) / rate;
  return summary;
}

}  // namespace mirkit::pipeline
