# One place for the warning set, applied per target so that third-party headers stay out of it.
add_library(mirkit_warnings INTERFACE)
target_compile_options(mirkit_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough
  # Declarations such as {"n_mels", ParamType::integer, 128, "…", 1, 1024} leave later members to
  # their default member initialisers on purpose; -Wextra would flag each one.
  -Wno-missing-field-initializers
  # GCC 12's access warnings misfire on std::string concatenation ("…" + std::string) at -O2
  # and above: false overlaps (-Wrestrict), and, once precompiled headers change what gets
  # inlined, false sizes and offsets in char_traits.h's memcpy ("bound between
  # 9223372036854775809 and …", -Wstringop-overflow, -Warray-bounds) for strings a few bytes
  # long (GCC bugs 105329, 105651). GCC 13 fixed them; ASan checks real accesses at run time.
  "$<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict;-Wno-stringop-overflow;-Wno-stringop-overread;-Wno-array-bounds>"
  $<$<BOOL:${MIRKIT_WERROR}>:-Werror>)
