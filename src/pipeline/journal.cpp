#include "mirkit/pipeline/journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/hash.hpp"

namespace mirkit::pipeline {
namespace {

// Record framing: u64 payload length, u64 FNV-1a of the payload, the payload. The payload starts
// with a type byte; the first record of a journal is its header.
enum class RecordType : std::uint8_t { header = 0, done = 1, failed = 2 };
constexpr std::uint64_t kMaxRecordBytes = std::uint64_t{1} << 34;

template <typename T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(value));
}

void put_text(std::string& out, const std::string& text) {
  put(out, static_cast<std::uint64_t>(text.size()));
  out += text;
}

// Reads from a payload; any overrun marks the record as corrupt.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  T get() {
    T value{};
    if (bytes_.size() < sizeof(T)) throw std::out_of_range("record");
    std::memcpy(&value, bytes_.data(), sizeof(T));
    bytes_.remove_prefix(sizeof(T));
    return value;
  }
  std::string_view take(std::uint64_t count) {
    if (bytes_.size() < count) throw std::out_of_range("record");
    const std::string_view part = bytes_.substr(0, count);
    bytes_.remove_prefix(count);
    return part;
  }
  std::string text() { return std::string(take(get<std::uint64_t>())); }

 private:
  std::string_view bytes_;
};

// Appends one framed record to `out`: its length and checksum, then the payload `write_payload`
// appends — written in place, not built apart and copied (a frames record is the clip's rows).
template <class WritePayload>
void append_framed(std::string& out, WritePayload&& write_payload) {
  const std::size_t head = out.size();
  out.append(16, '\0');
  write_payload(out);
  const std::string_view payload(out.data() + head + 16, out.size() - head - 16);
  const std::uint64_t length = payload.size(), checksum = fnv1a64(payload);
  std::memcpy(out.data() + head, &length, sizeof length);
  std::memcpy(out.data() + head + 8, &checksum, sizeof checksum);
}

void append_header_payload(std::string& payload, const std::string& run_id) {
  put(payload, RecordType::header);
  put_text(payload, to_json_line(Json{{"journal", 1}, {"run", run_id}}));
}

void append_record_payload(std::string& payload, const JournalRecord& record) {
  put(payload, record.failed ? RecordType::failed : RecordType::done);
  put(payload, record.index);
  if (record.failed) {
    put_text(payload, to_json_line(Json{{"stage", record.stage}, {"error", record.error}}));
    return;
  }
  put_text(payload, to_json_line(record.item.to_json()));
  put(payload, static_cast<std::int64_t>(record.rows.rows()));
  put(payload, static_cast<std::int64_t>(record.rows.cols()));
  payload.append(reinterpret_cast<const char*>(record.rows.data()),
                 static_cast<std::size_t>(record.rows.size()) * sizeof(float));
}

JournalRecord parse_record(std::string_view payload, const std::string& where) {
  Reader reader(payload);
  JournalRecord record;
  const auto type = reader.get<RecordType>();
  if (type != RecordType::done && type != RecordType::failed) throw std::out_of_range("type");
  record.failed = type == RecordType::failed;
  record.index = reader.get<std::int64_t>();
  const Json json = Json::parse(reader.text());
  if (record.failed) {
    record.stage = json.at("stage").get<std::string>();
    record.error = json.at("error").get<std::string>();
    return record;
  }
  record.item = FeatureItem::from_json(json, where);
  const auto rows = reader.get<std::int64_t>();
  const auto cols = reader.get<std::int64_t>();
  if (rows < 0 || cols < 0) throw std::out_of_range("shape");
  const std::string_view values =
      reader.take(static_cast<std::uint64_t>(rows * cols) * sizeof(float));
  record.rows.resize(rows, cols);
  if (!values.empty()) std::memcpy(record.rows.data(), values.data(), values.size());
  return record;
}

[[noreturn]] void fail(const std::filesystem::path& path, const char* what) {
  const int code = errno;
  throw fatal_error(std::string("checkpoint journal: ") + what + " (" + std::strerror(code) + ")")
      .with_file(path.string());
}

}  // namespace

Journal::Journal(const std::filesystem::path& path, const std::string& run_id, bool append)
    : path_(path) {
  fd_ = append ? ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC)
               : ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) fail(path, "cannot open");
  if (!append) {
    append_framed(buffer_, [&](std::string& out) { append_header_payload(out, run_id); });
    flush();
  }
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

void Journal::add(const JournalRecord& record) {
  append_framed(buffer_, [&](std::string& out) { append_record_payload(out, record); });
}

void Journal::flush() {
  std::string_view rest = buffer_;
  while (!rest.empty()) {
    const ssize_t written = ::write(fd_, rest.data(), rest.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      fail(path_, "write failed");
    }
    rest.remove_prefix(static_cast<std::size_t>(written));
  }
  buffer_.clear();
  if (::fdatasync(fd_) != 0) fail(path_, "fdatasync failed");
}

void Journal::finish_and_remove() {
  ::close(fd_);
  fd_ = -1;
  std::error_code code;
  std::filesystem::remove(path_, code);
}

std::vector<JournalRecord> Journal::recover(const std::filesystem::path& path,
                                            const std::string& run_id) {
  const std::string bytes = read_file(path);
  const std::string where = path.string();
  std::vector<JournalRecord> records;
  std::size_t at = 0;
  bool header_seen = false;
  while (bytes.size() - at >= 16) {
    std::uint64_t length = 0, checksum = 0;
    std::memcpy(&length, bytes.data() + at, 8);
    std::memcpy(&checksum, bytes.data() + at + 8, 8);
    if (length > kMaxRecordBytes || length > bytes.size() - at - 16) break;  // torn tail
    const std::string_view payload(bytes.data() + at + 16, length);
    if (fnv1a64(payload) != checksum) break;
    try {
      if (!header_seen) {
        Reader reader(payload);
        if (reader.get<RecordType>() != RecordType::header) break;
        const Json header = Json::parse(reader.text());
        const std::string found = header.at("run").get<std::string>();
        if (found != run_id) {
          throw usage_error(where + ": the checkpoint is of another run (run " + found +
                            ", this one " + run_id +
                            "): the config or the inputs changed; run without --resume to "
                            "start afresh");
        }
        header_seen = true;
      } else {
        records.push_back(parse_record(payload, where));
      }
    } catch (const std::out_of_range&) {
      break;
    } catch (const Json::exception&) {
      break;
    }
    at += 16 + length;
  }
  if (!header_seen) {
    throw usage_error(where +
                      ": not a mirkit checkpoint journal (or its header was torn): "
                      "run without --resume to start afresh");
  }
  if (at < bytes.size() && ::truncate(path.c_str(), static_cast<off_t>(at)) != 0) {
    fail(path, "cannot cut off a torn record");
  }
  return records;
}

}  // namespace mirkit::pipeline
