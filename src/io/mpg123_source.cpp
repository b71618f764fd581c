#include "mpg123_source.hpp"

#include <mpg123.h>

#include <memory>
#include <mutex>
#include <string>

#include "mirkit/core/error.hpp"

namespace mirkit::io {
namespace {

void init_library_once() {
  static std::once_flag once;
  std::call_once(once, [] { mpg123_init(); });  // a no-op since 1.27, required before
}

// Owns an mpg123 handle, so that it is freed also when the constructor throws.
struct HandleCloser {
  void operator()(mpg123_handle* handle) const {
    mpg123_close(handle);
    mpg123_delete(handle);
  }
};
using Handle = std::unique_ptr<mpg123_handle, HandleCloser>;

std::string layer_name(const mpg123_frameinfo& frame) {
  return "MPEG_LAYER_" + std::string(frame.layer == 1 ? "I" : frame.layer == 2 ? "II" : "III");
}

class Mpg123Source final : public AudioSource {
 public:
  explicit Mpg123Source(const std::filesystem::path& path) {
    init_library_once();
    int status = MPG123_OK;
    handle_.reset(mpg123_new(nullptr, &status));
    if (!handle_) throw Error(std::string("mpg123: ") + mpg123_plain_strerror(status));

    // As libsndfile sets it up (so the samples equal soundfile's and librosa's), plus QUIET.
    mpg123_param(handle_.get(), MPG123_ADD_FLAGS,
                 MPG123_QUIET | MPG123_FORCE_FLOAT | MPG123_GAPLESS, 0.0);
    mpg123_param(handle_.get(), MPG123_REMOVE_FLAGS, MPG123_AUTO_RESAMPLE, 0.0);
    mpg123_format_none(handle_.get());
    const long* rates = nullptr;
    std::size_t count = 0;
    mpg123_rates(&rates, &count);
    for (std::size_t i = 0; i < count; ++i) {
      mpg123_format(handle_.get(), rates[i], MPG123_MONO | MPG123_STEREO, MPG123_ENC_FLOAT_32);
    }

    if (mpg123_open(handle_.get(), path.c_str()) != MPG123_OK) fail("cannot decode");
    long rate = 0;
    int channels = 0;
    int encoding = 0;
    if (mpg123_getformat(handle_.get(), &rate, &channels, &encoding) != MPG123_OK) {
      fail("cannot decode: no MPEG audio frame found");
    }
    // The exact length: from the LAME/Xing header when the file has one (its Info tag gives the
    // encoder delay, which mpg123 reports), otherwise by a scan of the frame headers — no
    // decoding, but a second read of the whole file; without either mpg123 only estimates from
    // the first frame's bit rate.
    long encoder_delay = -1;
    double unused = 0.0;
    if (mpg123_getstate(handle_.get(), MPG123_ENC_DELAY, &encoder_delay, &unused) != MPG123_OK ||
        encoder_delay < 0) {
      mpg123_scan(handle_.get());
    }
    mpg123_frameinfo frame{};
    mpg123_info(handle_.get(), &frame);

    info_.path = path.string();
    info_.format = "MPEG";
    info_.subtype = layer_name(frame);
    info_.sample_rate = static_cast<int>(rate);
    info_.channels = channels;
    const off_t length = mpg123_length(handle_.get());
    info_.frames = length > 0 ? static_cast<std::int64_t>(length) : 0;
  }

  const AudioInfo& info() const override { return info_; }

  std::size_t read(std::span<float> out) override {
    std::size_t bytes = 0;
    const int status = mpg123_read(handle_.get(), reinterpret_cast<unsigned char*>(out.data()),
                                   out.size() * sizeof(float), &bytes);
    if (status == MPG123_NEW_FORMAT) {
      throw Error("the stream changes its sample rate or channels part-way: not supported");
    }
    if (status != MPG123_OK && status != MPG123_DONE) fail("decoding failed");
    return bytes / sizeof(float) / static_cast<std::size_t>(info_.channels);
  }

  void seek(std::int64_t frame) override {
    if (mpg123_seek(handle_.get(), static_cast<off_t>(frame), SEEK_SET) < 0) {
      fail("cannot seek to frame " + std::to_string(frame));
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(what + " (mpg123: " + mpg123_strerror(handle_.get()) + ")");
  }

  Handle handle_;
  AudioInfo info_;
};

}  // namespace

std::unique_ptr<AudioSource> open_mpg123_source(const std::filesystem::path& path) {
  return std::make_unique<Mpg123Source>(path);
}

}  // namespace mirkit::io
