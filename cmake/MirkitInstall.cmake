# The installed package: the program, the two static libraries with their public headers, and
# what lets other programs link them — a CMake package (find_package(mirkit): mirkit::core,
# mirkit::plot) and pkg-config files (mirkit, mirkit-plot). examples/ builds against it; the
# installed_package test (tests/package/) installs it into a temporary prefix and builds both ways.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(MIRKIT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mirkit)

install(TARGETS mirkit RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS mirkit_core mirkit_plot EXPORT mirkitTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# Only include/mirkit: the headers under src/ are the libraries' own.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/mirkit DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_BINARY_DIR}/include/mirkit/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/mirkit)

install(EXPORT mirkitTargets NAMESPACE mirkit:: DESTINATION ${MIRKIT_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/mirkitConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/mirkitConfig.cmake
                              INSTALL_DESTINATION ${MIRKIT_CMAKE_DIR})
# 0.x: a minor version may change the interface, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mirkitConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mirkitConfig.cmake
              ${PROJECT_BINARY_DIR}/mirkitConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/mirkitLibraryDependencies.cmake
              ${PROJECT_SOURCE_DIR}/cmake/FindLIBSVM.cmake
        DESTINATION ${MIRKIT_CMAKE_DIR})

# pkg-config: a Requires line from the same module lists the CMake package uses. The libraries
# are static, so their dependencies go in Requires and Libs (not .private): a plain
# `pkg-config --libs mirkit` must be enough to link. The prefix is found from the .pc file's own
# place, so `cmake --install --prefix ANYWHERE` gives working files.
function(mirkit_pkg_requires list out)  # "cairo>=1.16 cairo-png" → "cairo >= 1.16, cairo-png"
  set(pairs ${${list}})
  set(requires "")
  while(pairs)
    list(POP_FRONT pairs prefix modules)
    string(REPLACE " " ";" modules "${modules}")
    foreach(module IN LISTS modules)
      string(REPLACE ">=" " >= " module "${module}")
      list(APPEND requires "${module}")
    endforeach()
  endwhile()
  list(JOIN requires ", " requires)
  set(${out} "${requires}" PARENT_SCOPE)
endfunction()
mirkit_pkg_requires(MIRKIT_CORE_PKG_MODULES MIRKIT_PC_CORE_REQUIRES)
mirkit_pkg_requires(MIRKIT_PLOT_PKG_MODULES MIRKIT_PC_PLOT_REQUIRES)
file(RELATIVE_PATH MIRKIT_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
foreach(pc IN ITEMS mirkit mirkit-plot)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
