# One place for the warning set, applied per target so that third-party headers stay out of it.
add_library(mirkit_warnings INTERFACE)
target_compile_options(mirkit_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough
  # Declarations such as {"n_mels", ParamType::integer, 128, "…", 1, 1024} leave later members to
  # their default member initialisers on purpose; -Wextra would flag each one.
  -Wno-missing-field-initializers
  # GCC 12 reports false overlaps and false sizes in std::string concatenation at -O2 and above
  # (GCC bug 105329: -Wrestrict, and -Wstringop-overflow on "…" + std::string once precompiled
  # headers change what is inlined: "bound between 9223372036854775809 and …" in
  # char_traits.h's memcpy, for strings a few bytes long). GCC 13 fixed both.
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-stringop-overflow>
  $<$<BOOL:${MIRKIT_WERROR}>:-Werror>)
