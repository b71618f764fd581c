# Every dependency comes from an installed Debian package; nothing is downloaded at build time.
# libsndfile and FFTW ship pkg-config files but no CMake config, so they come through pkg-config.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile>=1.1)
pkg_check_modules(FFTW3F REQUIRED IMPORTED_TARGET fftw3f>=3.3)
# Double precision for the few places where an argmax or a noise floor needs it (tempo).
pkg_check_modules(FFTW3 REQUIRED IMPORTED_TARGET fftw3>=3.3)
# MP3 through libmpg123 directly: libsndfile uses it too, but lets it print to stderr.
pkg_check_modules(MPG123 REQUIRED IMPORTED_TARGET libmpg123>=1.25)
# Figures are drawn with cairo (PNG and SVG surfaces); 1.16 for SVG sizes in pixels.
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo>=1.16 cairo-png cairo-svg)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 2.1 REQUIRED)
find_package(Threads REQUIRED)
# LIBSVM: header and library only (Debian ships no CMake or pkg-config file): cmake/FindLIBSVM.cmake.
find_package(LIBSVM 3.24 REQUIRED)

if(MIRKIT_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(MIRKIT_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
