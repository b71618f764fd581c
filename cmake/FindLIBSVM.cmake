# FindLIBSVM: Debian's libsvm-dev ships the header as <libsvm/svm.h> and a static and a shared
# library, but neither a CMake config nor a pkg-config file.
#
# Defines LIBSVM_FOUND, LIBSVM_VERSION (from LIBSVM_VERSION in svm.h, e.g. 324 → 3.24) and the
# imported target LIBSVM::LIBSVM. The static library is preferred so that the mirkit program
# carries no run-time dependency on it.
find_path(LIBSVM_INCLUDE_DIR NAMES libsvm/svm.h)
find_library(LIBSVM_LIBRARY NAMES libsvm.a svm)

if(LIBSVM_INCLUDE_DIR AND EXISTS "${LIBSVM_INCLUDE_DIR}/libsvm/svm.h")
  file(STRINGS "${LIBSVM_INCLUDE_DIR}/libsvm/svm.h" _libsvm_version_line
       REGEX "^#define LIBSVM_VERSION [0-9]+")
  string(REGEX REPLACE "^#define LIBSVM_VERSION ([0-9]+).*" "\\1" _libsvm_version
         "${_libsvm_version_line}")
  if(_libsvm_version)
    math(EXPR _libsvm_major "${_libsvm_version} / 100")
    math(EXPR _libsvm_minor "${_libsvm_version} % 100")
    set(LIBSVM_VERSION "${_libsvm_major}.${_libsvm_minor}")
  endif()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LIBSVM
  REQUIRED_VARS LIBSVM_LIBRARY LIBSVM_INCLUDE_DIR
  VERSION_VAR LIBSVM_VERSION)

if(LIBSVM_FOUND AND NOT TARGET LIBSVM::LIBSVM)
  add_library(LIBSVM::LIBSVM UNKNOWN IMPORTED)
  set_target_properties(LIBSVM::LIBSVM PROPERTIES
    IMPORTED_LOCATION "${LIBSVM_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LIBSVM_INCLUDE_DIR}")
endif()
mark_as_advanced(LIBSVM_INCLUDE_DIR LIBSVM_LIBRARY)
