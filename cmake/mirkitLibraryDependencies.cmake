# What linking the static libraries mirkit::core and mirkit::plot needs: read by this build
# (cmake/MirkitDependencies.cmake) and, installed beside mirkitConfig.cmake, by every program
# that links the installed package, so the two never disagree. mirkit.pc's Requires line is
# written from the same lists (cmake/MirkitInstall.cmake). Every one is a Debian package.
#
# libsndfile, FFTW, libmpg123 and cairo ship pkg-config files but no CMake config. Pairs of
# imported-target prefix and pkg-config modules (space-separated):
#   sndfile    decoding (WAV, AIFF, FLAC, Ogg Vorbis, Opus)
#   fftw3f     every spectrum; fftw3 (double) where an argmax or a noise floor needs it (tempo)
#   libmpg123  MP3 directly: libsndfile uses it too, but lets it print to stderr
#   hdf5       the Million Song Dataset's per-track files (`mirkit dataset msd`): features, not audio
#   cairo      figures (PNG and SVG surfaces; 1.16 for SVG sizes in pixels), mirkit::plot only
set(MIRKIT_CORE_PKG_MODULES SNDFILE "sndfile>=1.1" FFTW3F "fftw3f>=3.3" FFTW3 "fftw3>=3.3"
    MPG123 "libmpg123>=1.25" HDF5 "hdf5>=1.10")
set(MIRKIT_PLOT_PKG_MODULES CAIRO "cairo>=1.16 cairo-png cairo-svg")

find_package(PkgConfig REQUIRED)
foreach(_mirkit_list IN ITEMS MIRKIT_CORE_PKG_MODULES MIRKIT_PLOT_PKG_MODULES)
  set(_mirkit_pairs ${${_mirkit_list}})
  while(_mirkit_pairs)
    list(POP_FRONT _mirkit_pairs _mirkit_prefix _mirkit_modules)
    string(REPLACE " " ";" _mirkit_modules "${_mirkit_modules}")
    if(NOT TARGET PkgConfig::${_mirkit_prefix})
      pkg_check_modules(${_mirkit_prefix} REQUIRED IMPORTED_TARGET ${_mirkit_modules})
    endif()
  endwhile()
endforeach()

# Public: the interface's matrices and JSON values.
set(MIRKIT_EIGEN3_MIN 3.4)
set(MIRKIT_JSON_MIN 3.10)
find_package(Eigen3 ${MIRKIT_EIGEN3_MIN} REQUIRED NO_MODULE)
find_package(nlohmann_json ${MIRKIT_JSON_MIN} REQUIRED)
find_package(Threads REQUIRED)
# LIBSVM: header and library only (Debian ships no CMake or pkg-config file): FindLIBSVM.cmake,
# found on CMAKE_MODULE_PATH (cmake/ here; beside the installed config there).
find_package(LIBSVM 3.24 REQUIRED)
# What mirkit::core links privately (a static archive passes them on to whoever links it).
set(MIRKIT_CORE_PRIVATE_LIBRARIES PkgConfig::SNDFILE PkgConfig::MPG123 PkgConfig::FFTW3F
    PkgConfig::FFTW3 PkgConfig::HDF5 LIBSVM::LIBSVM)
