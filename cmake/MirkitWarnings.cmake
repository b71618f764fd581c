# One place for the warning set, applied per target so that third-party headers stay out of it.
add_library(mirkit_warnings INTERFACE)
target_compile_options(mirkit_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough
  # Declarations such as {"n_mels", ParamType::integer, 128, "…", 1, 1024} leave later members to
  # their default member initialisers on purpose; -Wextra would flag each one.
  -Wno-missing-field-initializers
  # GCC 12 reports false overlaps in std::string concatenation at -O2 (GCC bug 105329).
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>
  $<$<BOOL:${MIRKIT_WERROR}>:-Werror>)
