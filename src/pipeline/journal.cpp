#include "mirkit/pipeline/journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/hash.hpp"

namespace mirkit::pipeline {
namespace {

// Record framing: u64 payload length, u64 checksum64 of the payload, the payload. The payload
// starts with a type byte; the first record of a journal is its header. An input's record (done or
// failed) follows the `rows` records that streamed its rows; `resumed` starts each resumed run's
// part, so rows of an input the killed run never finished are not taken for the new run's.
enum class RecordType : std::uint8_t { header = 0, done = 1, failed = 2, rows = 3, resumed = 4 };
// Buffered bytes are written out (without an fsync) past this, so a long input's streamed rows
// are never held whole.
constexpr std::size_t kWriteOutBytes = std::size_t{1} << 20;
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
  std::size_t consumed() const { return total_ - bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t total_ = bytes_.size();
};

void append_header_payload(std::string& payload, const std::string& run_id) {
  put(payload, RecordType::header);
  put_text(payload, to_json_line(Json{{"journal", 2}, {"run", run_id}}));
}

void append_floats(std::string& payload, const dsp::Matrix& rows) {
  payload.append(reinterpret_cast<const char*>(rows.data()),
                 static_cast<std::size_t>(rows.size()) * sizeof(float));
}

// What recover() gathers: the parts streamed for inputs whose record has not come yet.
struct Pending {
  std::vector<RowsPart> parts;
  std::int64_t cols = 0;
};

// Parses one record's payload, which starts at byte `at` of the file. Returns a record for done
// and failed ones; streamed rows go to `pending`. std::out_of_range on a malformed payload.
std::optional<JournalRecord> parse_record(std::string_view payload, std::int64_t at,
                                          std::map<std::int64_t, Pending>& pending,
                                          const std::string& where) {
  Reader reader(payload);
  const auto type = reader.get<RecordType>();
  if (type == RecordType::resumed) {
    pending.clear();
    return std::nullopt;
  }
  if (type != RecordType::done && type != RecordType::failed && type != RecordType::rows)
    throw std::out_of_range("type");
  const auto index = reader.get<std::int64_t>();
  const auto read_part = [&](std::int64_t& cols) {
    const auto rows = reader.get<std::int64_t>();
    cols = reader.get<std::int64_t>();
    if (rows < 0 || cols < 0) throw std::out_of_range("shape");
    const RowsPart part{at + static_cast<std::int64_t>(reader.consumed()), rows};
    reader.take(static_cast<std::uint64_t>(rows * cols) * sizeof(float));
    return part;
  };
  if (type == RecordType::rows) {
    Pending& mine = pending[index];
    std::int64_t cols = 0;
    mine.parts.push_back(read_part(cols));
    if (mine.parts.size() > 1 && cols != mine.cols) throw std::out_of_range("cols");
    mine.cols = cols;
    return std::nullopt;
  }
  JournalRecord record;
  record.index = index;
  record.failed = type == RecordType::failed;
  const Json json = Json::parse(reader.text());
  const auto streamed = pending.find(index);
  if (streamed != pending.end()) {
    record.parts = std::move(streamed->second.parts);
    record.cols = streamed->second.cols;
    pending.erase(streamed);
  }
  if (record.failed) {
    record.parts.clear();
    record.stage = json.at("stage").get<std::string>();
    record.error = json.at("error").get<std::string>();
    return record;
  }
  record.item = FeatureItem::from_json(json, where);
  std::int64_t cols = 0;
  const RowsPart last = read_part(cols);  // the rows given with the record, after the streamed
  if (last.rows > 0) {
    if (!record.parts.empty() && cols != record.cols) throw std::out_of_range("cols");
    record.parts.push_back(last);
  }
  if (last.rows > 0 || record.parts.empty()) record.cols = cols;
  return record;
}

// Reads exactly `count` bytes at the current position; false at the end of the file.
bool read_exactly(int fd, char* out, std::size_t count) {
  while (count > 0) {
    const ssize_t got = ::read(fd, out, count);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    out += got;
    count -= static_cast<std::size_t>(got);
  }
  return true;
}

[[noreturn]] void fail(const std::filesystem::path& path, const char* what) {
  const int code = errno;
  throw fatal_error(std::string("checkpoint journal: ") + what + " (" + std::strerror(code) + ")")
      .with_file(path.string());
}

}  // namespace

std::int64_t JournalRecord::row_count() const {
  std::int64_t count = rows.rows();
  for (const RowsPart& part : parts)
    count += part.rows;
  return count;
}

Journal::Journal(const std::filesystem::path& path, const std::string& run_id, bool append)
    : path_(path) {
  fd_ = append ? ::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC)
               : ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) fail(path, "cannot open");
  const std::lock_guard lock(mutex_);
  if (append) {
    const off_t size = ::lseek(fd_, 0, SEEK_END);
    if (size < 0) fail(path, "cannot seek");
    written_ = size;
    append_record([](std::string& out) { put(out, RecordType::resumed); });
  } else {
    append_record([&](std::string& out) { append_header_payload(out, run_id); });
  }
  write_buffer();
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

template <class WritePayload>
std::int64_t Journal::append_record(WritePayload&& write_payload) {
  const std::size_t head = buffer_.size();
  buffer_.append(16, '\0');
  write_payload(buffer_);
  const std::string_view payload(buffer_.data() + head + 16, buffer_.size() - head - 16);
  const std::uint64_t length = payload.size(), checksum = checksum64(payload);
  std::memcpy(buffer_.data() + head, &length, sizeof length);
  std::memcpy(buffer_.data() + head + 8, &checksum, sizeof checksum);
  return written_ + static_cast<std::int64_t>(head) + 16;
}

RowsPart Journal::add_rows(std::int64_t index, const dsp::Matrix& rows) {
  const std::lock_guard lock(mutex_);
  const std::int64_t payload = append_record([&](std::string& out) {
    put(out, RecordType::rows);
    put(out, index);
    put(out, static_cast<std::int64_t>(rows.rows()));
    put(out, static_cast<std::int64_t>(rows.cols()));
    append_floats(out, rows);
  });
  if (buffer_.size() > kWriteOutBytes) write_buffer();
  return {payload + 1 + 3 * 8, rows.rows()};
}

void Journal::add(JournalRecord& record) {
  const std::lock_guard lock(mutex_);
  std::int64_t data_in_payload = 0;
  const std::int64_t payload = append_record([&](std::string& out) {
    const std::size_t start = out.size();
    put(out, record.failed ? RecordType::failed : RecordType::done);
    put(out, record.index);
    if (record.failed) {
      put_text(out, to_json_line(Json{{"stage", record.stage}, {"error", record.error}}));
      return;
    }
    put_text(out, to_json_line(record.item.to_json()));
    put(out, static_cast<std::int64_t>(record.rows.rows()));
    put(out, static_cast<std::int64_t>(record.rows.cols()));
    data_in_payload = static_cast<std::int64_t>(out.size() - start);
    append_floats(out, record.rows);
  });
  if (!record.failed && record.rows.rows() > 0) {
    record.parts.push_back({payload + data_in_payload, record.rows.rows()});
    record.cols = record.rows.cols();
  }
  record.rows = dsp::Matrix();
  if (buffer_.size() > kWriteOutBytes) write_buffer();
}

void Journal::write_buffer() {
  write_fully(fd_, buffer_, path_);
  written_ += static_cast<std::int64_t>(buffer_.size());
  buffer_.clear();
}

void Journal::flush() {
  const std::lock_guard lock(mutex_);
  write_buffer();
  if (::fdatasync(fd_) != 0) fail(path_, "fdatasync failed");
}

void Journal::read_rows(const RowsPart& part, std::int64_t cols, std::span<float> out) const {
  const auto bytes = static_cast<std::size_t>(part.rows * cols) * sizeof(float);
  if (out.size() * sizeof(float) < bytes) throw std::invalid_argument("read_rows: out too small");
  auto* at = reinterpret_cast<char*>(out.data());
  std::size_t done = 0;
  while (done < bytes) {
    const ssize_t got = ::pread(fd_, at + done, bytes - done,
                                static_cast<off_t>(part.offset) + static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) fail(path_, "cannot read back rows");
    done += static_cast<std::size_t>(got);
  }
}

void Journal::finish_and_remove() {
  ::close(fd_);
  fd_ = -1;
  std::error_code code;
  std::filesystem::remove(path_, code);
}

std::vector<JournalRecord> Journal::recover(const std::filesystem::path& path,
                                            const std::string& run_id) {
  const std::string where = path.string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open");
  const off_t size = ::lseek(fd, 0, SEEK_END);
  if (size < 0 || ::lseek(fd, 0, SEEK_SET) != 0) {
    ::close(fd);
    fail(path, "cannot seek");
  }
  std::vector<JournalRecord> records;
  std::map<std::int64_t, Pending> pending;
  std::string payload;  // one record at a time: a journal is read in the memory of its largest
  std::int64_t at = 0;
  bool header_seen = false;
  try {
    while (true) {
      char frame[16];
      if (!read_exactly(fd, frame, sizeof frame)) break;
      std::uint64_t length = 0, checksum = 0;
      std::memcpy(&length, frame, 8);
      std::memcpy(&checksum, frame + 8, 8);
      if (length > kMaxRecordBytes || static_cast<std::int64_t>(length) > size - at - 16) break;
      payload.resize(length);
      if (!read_exactly(fd, payload.data(), length)) break;
      if (checksum64(payload) != checksum) break;
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
        } else if (auto record = parse_record(payload, at + 16, pending, where)) {
          records.push_back(std::move(*record));
        }
      } catch (const std::out_of_range&) {
        break;
      } catch (const Json::exception&) {
        break;
      }
      at += 16 + static_cast<std::int64_t>(length);
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (!header_seen) {
    throw usage_error(where +
                      ": not a mirkit checkpoint journal of this version (or its header was torn): "
                      "run without --resume to start afresh");
  }
  if (at < size && ::truncate(path.c_str(), static_cast<off_t>(at)) != 0) {
    fail(path, "cannot cut off a torn record");
  }
  return records;
}

}  // namespace mirkit::pipeline
