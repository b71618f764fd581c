# Fails (stopping the build) when a file of layer LAYER includes a header of a layer not in
# USES, the layers below it (src/CMakeLists.txt, ARCHITECTURE.md). Both include forms are
# checked: public headers ("mirkit/<layer>/x.hpp") and relative ones into another layer's
# private headers ("../core/random.hpp"). Writes STAMP when every file passes.
#
#   cmake -DLAYER=io "-DUSES=core" -DSOURCE_DIR=… -DSTAMP=… -P CheckLayerIncludes.cmake
cmake_minimum_required(VERSION 3.25)

set(allowed ${LAYER} ${USES})
string(REPLACE " " ";" allowed "${allowed}")
file(GLOB_RECURSE files ${SOURCE_DIR}/src/${LAYER}/*.cpp ${SOURCE_DIR}/src/${LAYER}/*.hpp
     ${SOURCE_DIR}/include/mirkit/${LAYER}/*.hpp)
set(layers core io dsp features nn models pipeline plot)

set(problems "")
foreach(file IN LISTS files)
  file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  get_filename_component(dir ${file} DIRECTORY)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" header "${line}")
    set(target_layer "")
    if(header MATCHES "^mirkit/([a-z_]+)/")
      set(target_layer ${CMAKE_MATCH_1})
    else()
      # A relative include: the layer is the folder under src/ (or include/mirkit/) it lands in.
      get_filename_component(resolved ${dir}/${header} ABSOLUTE)
      foreach(root IN ITEMS ${SOURCE_DIR}/src ${SOURCE_DIR}/include/mirkit)
        file(RELATIVE_PATH relative ${root} ${resolved})
        if(NOT relative MATCHES "^\\.\\." AND relative MATCHES "^([a-z_]+)/")
          set(target_layer ${CMAKE_MATCH_1})
        endif()
      endforeach()
    endif()
    if(target_layer AND target_layer IN_LIST layers AND NOT target_layer IN_LIST allowed)
      file(RELATIVE_PATH shown ${SOURCE_DIR} ${file})
      string(APPEND problems "  ${shown}: #include \"${header}\" (the ${target_layer} layer)\n")
    endif()
  endforeach()
endforeach()

if(problems)
  list(JOIN allowed ", " allowed_text)
  message(FATAL_ERROR "the ${LAYER} layer may include only ${allowed_text} (ARCHITECTURE.md):\n"
                      "${problems}")
endif()
file(TOUCH ${STAMP})
