#include "command.hpp"

namespace mirkit::cli {

void add_input_options(CLI::App& command, io::InputSpec& inputs) {
  command.add_option("inputs", inputs.paths, "Audio files, or folders to scan recursively");
  command.add_option("--files-from", inputs.files_from,
                     "Read more input paths from FILE, one per line ('-' for stdin)");
  command.add_flag("--null", inputs.null_separated,
                   "The --files-from list is NUL-separated (find -print0)");
}

}  // namespace mirkit::cli
