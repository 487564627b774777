# Installs Warden from an existing build into a fresh prefix, then configures
# and builds examples/embed against the installed package, and runs it.
#   cmake -DWARDEN_BUILD_DIR=<build> -DEXAMPLE_DIR=<src>/examples/embed
#         -DWORK_DIR=<scratch> [-DHAR=<file.har> -DPLUGIN=<plugin.js>] -P install_test.cmake
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
foreach(_file lib/libwarden_runtime.a lib/libwarden_actors.a include/warden/warden.hpp
              include/warden/engine.hpp lib/cmake/Warden/WardenConfig.cmake
              lib/cmake/Warden/FindCAF.cmake)
  if(NOT EXISTS "${_prefix}/${_file}")
    message(FATAL_ERROR "not installed: ${_file}")
  endif()
endforeach()
_run("${CMAKE_COMMAND}" -S "${EXAMPLE_DIR}" -B "${_build}" -G Ninja
     "-DCMAKE_PREFIX_PATH=${_prefix}" -DCMAKE_BUILD_TYPE=Release)
_run("${CMAKE_COMMAND}" --build "${_build}" -j2)
if(DEFINED HAR AND DEFINED PLUGIN)
  _run("${_build}/warden_embed" "${HAR}" "${PLUGIN}")
  message(STATUS "warden_embed: ${_last_output}")
endif()
message(STATUS "examples/embed built against the package installed in ${_prefix}")
