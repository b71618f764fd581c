// The manifest and input-list readers, from arbitrary bytes: the same bytes as a CSV manifest, a
// JSON Lines manifest (each gathered as `extract` does, then hashed and sharded), and a
// --files-from list (line- and NUL-separated).
#include <cstddef>
#include <cstdint>
#include <sstream>

#include "fuzz_support.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/io/input_list.hpp"
#include "mirkit/io/manifest.hpp"
#include "mirkit/pipeline/batch_inputs.hpp"

namespace {

using namespace mirkit;

void gather_manifest(const std::filesystem::path& manifest) {
  io::InputSpec spec;
  spec.paths = {manifest.string()};
  pipeline::GatherOptions options;
  options.root = fuzz::scratch_folder();
  std::istringstream no_stdin;
  const std::vector<pipeline::BatchInput> inputs =
      pipeline::gather_inputs(spec, no_stdin, options).inputs;
  (void)pipeline::hash_inputs(inputs);
  const pipeline::Shard shard{1, 3};
  for (const pipeline::BatchInput& input : inputs)
    (void)shard.contains(input.key);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  for (const char* name : {"fuzz.csv", "fuzz.jsonl"}) {
    try {
      gather_manifest(fuzz::write_scratch_file(name, data, size));
    } catch (const Error&) {
    }
  }
  // A list's entries are not opened here: a folder named in a list is scanned by design, and
  // scanning "/" is no finding.
  for (const bool null_separated : {false, true}) {
    std::istringstream list(fuzz::as_text(data, size));
    (void)io::read_path_list(list, null_separated);
  }
  return 0;
}
