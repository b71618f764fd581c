// The flags of the batch commands, declared once: inputs, threads, the error log, the lock, the
// checkpoint interval and --root; and the progress bar every batch shows on a terminal.
#include "command.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/parallel.hpp"
#include "progress_bar.hpp"

namespace mirkit::cli {

const CLI::Validator& existing_output_folder() {
  static const CLI::Validator validator(
      [](const std::string& path) -> std::string {
        try {
          require_output_folder(path);
        } catch (const Error& error) {
          return error.cause();
        }
        return {};
      },
      "", "OUTPUT_FOLDER");
  return validator;
}

void add_input_options(CLI::App& command, io::InputSpec& inputs) {
  command.add_option("inputs", inputs.paths, "Audio files, or folders to scan recursively");
  command.add_option("--files-from", inputs.files_from,
                     "Read more input paths from FILE, one per line ('-' for stdin)");
  command.add_flag("--null", inputs.null_separated,
                   "The --files-from list is NUL-separated (find -print0)");
}

void add_batch_options(CLI::App& command, pipeline::BatchOptions& batch, BatchFlags& flags) {
  command.add_option("-j,--jobs", batch.jobs, "Worker threads over files (0: one per core)")
      ->check(CLI::Range(0, 1024));
  command.add_option("--errors", batch.errors,
                     "JSONL log of the inputs that failed, written only when one did "
                     "(default: OUTPUT.errors.jsonl)");
  command.add_option("--lock", batch.lock,
                     "Lock file that keeps a second run off the same output, removed at the end "
                     "(default: OUTPUT.lock)");
  command
      .add_option("--checkpoint-seconds", batch.checkpoint_seconds,
                  "Seconds between checkpoints of the finished inputs")
      ->check(CLI::Range(0.0, 3600.0));
  command.add_option("--root", flags.root,
                     "Paths in the output relative to this folder (default: the current folder)");
}

void BatchFlags::apply(pipeline::BatchOptions& batch) const {
  if (!root.empty()) batch.gather.root = root;
  if (batch.jobs <= 0) batch.jobs = hardware_threads();
}

BatchProgressBar::BatchProgressBar(const Log& log)
    // Not with --log-format json either: every stderr line is then a JSON object.
    : bar_(std::make_unique<ProgressBar>(stderr_is_terminal() &&
                                         log.verbosity() != Verbosity::quiet &&
                                         log.format() == LogFormat::text)) {}

BatchProgressBar::~BatchProgressBar() = default;

std::function<void(const pipeline::BatchProgress&)> BatchProgressBar::callback() {
  return [bar = bar_.get()](const pipeline::BatchProgress& p) {
    bar->update(p.done, p.total, p.failed, p.audio_seconds, p.elapsed_seconds);
  };
}

}  // namespace mirkit::cli
