# The layer check (cmake/CheckLayerIncludes.cmake) on a small tree of its own: a wrong-way
# include, public or relative, stops it with a message naming the file, the header and the
# layer; the same tree without them passes.
#   cmake -DCHECKER=… -DWORK=… -P layer_includes_test.cmake
cmake_minimum_required(VERSION 3.25)

file(REMOVE_RECURSE ${WORK})
file(WRITE ${WORK}/include/mirkit/io/reader.hpp "#include \"mirkit/core/error.hpp\"\n")
file(WRITE ${WORK}/src/io/reader.cpp
     "#include \"mirkit/io/reader.hpp\"\n#include \"../core/random.hpp\"\n")
file(WRITE ${WORK}/src/io/sub/part.cpp "#include \"../../core/random.hpp\"\n")

function(run_check expect_ok)
  execute_process(
    COMMAND ${CMAKE_COMMAND} -DLAYER=io -DUSES=core -DSOURCE_DIR=${WORK}
            -DSTAMP=${WORK}/stamp -P ${CHECKER}
    RESULT_VARIABLE result ERROR_VARIABLE errors)
  if(expect_ok AND NOT result EQUAL 0)
    message(FATAL_ERROR "a tree that keeps to its layers was refused:\n${errors}")
  endif()
  if(NOT expect_ok AND result EQUAL 0)
    message(FATAL_ERROR "a wrong-way include passed the check")
  endif()
  set(errors "${errors}" PARENT_SCOPE)
endfunction()

run_check(TRUE)

file(APPEND ${WORK}/src/io/reader.cpp "#include \"mirkit/pipeline/predict.hpp\"\n")
file(APPEND ${WORK}/src/io/sub/part.cpp "#include \"../../models/parallel.hpp\"\n")
run_check(FALSE)
string(REGEX REPLACE "[ \t\n]+" " " errors "${errors}")
foreach(expected IN ITEMS
        "the io layer may include only io, core"
        "src/io/reader.cpp: #include \"mirkit/pipeline/predict.hpp\" (the pipeline layer)"
        "src/io/sub/part.cpp: #include \"../../models/parallel.hpp\" (the models layer)")
  string(FIND "${errors}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected \"${expected}\" in:\n${errors}")
  endif()
endforeach()
string(FIND "${errors}" "core/random.hpp" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "an include of a lower layer was reported:\n${errors}")
endif()
file(REMOVE_RECURSE ${WORK})
