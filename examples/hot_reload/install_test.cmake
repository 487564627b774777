# Installs Warden from an existing build into a fresh prefix, then configures
# and builds examples/hot_reload against the installed package and runs it
# (fewer reloads than the in-tree test: this one checks the package).
#   cmake -DWARDEN_BUILD_DIR=<build> -DEXAMPLE_DIR=<src>/examples/hot_reload
#         -DWORK_DIR=<scratch> -P install_test.cmake
foreach(_var WARDEN_BUILD_DIR EXAMPLE_DIR WORK_DIR)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "install_test.cmake needs -D${_var}=...")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
set(_prefix "${WORK_DIR}/prefix")
set(_build "${WORK_DIR}/build")

function(_run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    string(REPLACE ";" " " _cmd "${ARGN}")
    message(FATAL_ERROR "failed (${_rc}): ${_cmd}\n${_out}\n${_err}")
  endif()
  set(_last_output "${_out}" PARENT_SCOPE)
endfunction()

_run("${CMAKE_COMMAND}" --install "${WARDEN_BUILD_DIR}" --prefix "${_prefix}")
_run("${CMAKE_COMMAND}" -S "${EXAMPLE_DIR}" -B "${_build}" -G Ninja
     "-DCMAKE_PREFIX_PATH=${_prefix}" -DCMAKE_BUILD_TYPE=Release)
_run("${CMAKE_COMMAND}" --build "${_build}" -j2)
_run("${_build}/warden_hot_reload" 30 2)
if(NOT _last_output MATCHES "hot-reload: reloads 30, failed reloads 4, requests [0-9]+, answered [0-9]+, lost 0, answered twice 0")
  message(FATAL_ERROR "unexpected output: ${_last_output}")
endif()
message(STATUS "${_last_output}")
