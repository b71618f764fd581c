# Every dependency comes from an installed Debian package; nothing is downloaded at build time.
# The libraries' own: one list, shared with the installed package.
include(${CMAKE_CURRENT_LIST_DIR}/mirkitLibraryDependencies.cmake)
# The program's command line.
find_package(CLI11 2.1 REQUIRED)

if(MIRKIT_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(MIRKIT_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
