# One place for the warning set, applied per target so that third-party headers stay out of it.
add_library(mirkit_warnings INTERFACE)
target_compile_options(mirkit_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough
  $<$<BOOL:${MIRKIT_WERROR}>:-Werror>)
