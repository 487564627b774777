# Installs Warden from a build into one prefix, renames (moves) that folder,
# checks that no installed file names the build or source tree, then configures
# and builds an example host (a two-way CMakeLists like examples/embed) against
# the package in the moved prefix and runs it. One script for every example:
#   cmake -DWARDEN_BUILD_DIR=<build> -DWARDEN_SOURCE_DIR=<src> -DWORK_DIR=<scratch>
#         -DEXAMPLE_DIR=<src>/examples/<name> [-DEXECUTABLE=<name>] [-DRUN_ARGS=<a|b>]
#         [-DEXPECT=<regex>] [-DCLI_HAR=<file.har>] [-DSERVE_NODE=ON] [-DLAUNCHER=ccache]
#         -P relocated_example_test.cmake
# EXECUTABLE defaults to warden_<folder name>. In RUN_ARGS and EXPECT, @PREFIX@
# is the moved prefix and @PLUGINS@ the number of installed bundled plugins.
# SERVE_NODE: the example scans remotely: the moved bin/warden serves the
# installed plugins on 127.0.0.1:0 while it runs, @NODE@ is its HOST:PORT.
# CLI_HAR: also runs the moved bin/warden scan over that file (process
# isolation, so bin/warden-worker runs too) with the installed plugins.
cmake_policy(VERSION 3.25)
foreach(_var WARDEN_BUILD_DIR WARDEN_SOURCE_DIR EXAMPLE_DIR WORK_DIR)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "relocated_example_test.cmake needs -D${_var}=...")
  endif()
endforeach()
get_filename_component(_example "${EXAMPLE_DIR}" NAME)
if(NOT DEFINED EXECUTABLE)
  set(EXECUTABLE "warden_${_example}")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
set(_installed "${WORK_DIR}/installed")
set(_prefix "${WORK_DIR}/moved")
set(_build "${WORK_DIR}/build")

# _run(<command...>): fails the test unless it exits 0 (or with OK_CODES);
# leaves its stdout in _out, its stderr in _err.
function(_run)
  cmake_parse_arguments(_arg "" "" "OK_CODES" ${ARGN})
  execute_process(COMMAND ${_arg_UNPARSED_ARGUMENTS} RESULT_VARIABLE _rc OUTPUT_VARIABLE _o
                  ERROR_VARIABLE _e)
  if(NOT _rc EQUAL 0 AND NOT _rc IN_LIST _arg_OK_CODES)
    string(REPLACE ";" " " _cmd "${_arg_UNPARSED_ARGUMENTS}")
    message(FATAL_ERROR "failed (${_rc}): ${_cmd}\n${_o}\n${_e}")
  endif()
  set(_out "${_o}" PARENT_SCOPE)
  set(_err "${_e}" PARENT_SCOPE)
endfunction()

# 1. Install, then move the prefix.
_run("${CMAKE_COMMAND}" --install "${WARDEN_BUILD_DIR}" --prefix "${_installed}")
file(RENAME "${_installed}" "${_prefix}")
foreach(_file lib/libwarden_runtime.a lib/libwarden_actors.a include/warden/warden.hpp
              include/warden/engine.hpp lib/cmake/Warden/WardenConfig.cmake
              lib/cmake/Warden/WardenConfigVersion.cmake lib/cmake/Warden/WardenTargets.cmake
              lib/cmake/Warden/FindCAF.cmake bin/warden bin/warden-worker)
  if(NOT EXISTS "${_prefix}/${_file}")
    message(FATAL_ERROR "not installed: ${_file}")
  endif()
endforeach()
file(GLOB _include_dirs RELATIVE "${_prefix}/include" "${_prefix}/include/*")
if(NOT _include_dirs STREQUAL "warden")
  message(FATAL_ERROR "include/ holds ${_include_dirs}, only warden/ is installed")
endif()
file(GLOB _plugins "${_prefix}/share/warden/plugins/*.js")
list(LENGTH _plugins _plugin_count)
if(_plugin_count EQUAL 0)
  message(FATAL_ERROR "no bundled plugins in ${_prefix}/share/warden/plugins")
endif()

# 2. Relocatable: no installed file names the source or build tree (the
#    scratch folder lies inside the build tree, so this also finds any file
#    naming the prefix it was installed to).
execute_process(COMMAND grep -rlF -e "${WARDEN_SOURCE_DIR}/" -e "${WARDEN_BUILD_DIR}/" "${_prefix}"
                OUTPUT_VARIABLE _naming RESULT_VARIABLE _grep_rc)
if(_grep_rc EQUAL 0)
  message(FATAL_ERROR "installed files name the source or build tree:\n${_naming}")
endif()
set(_libnode "")
if(EXISTS "${_prefix}/lib/libnode.so.108")
  file(REAL_PATH "${_prefix}/lib/libnode.so.108" _libnode)
endif()

# _last_line(<text>): sets _last_line to the text's last non-empty line.
function(_last_line text)
  string(STRIP "${text}" text)
  string(FIND "${text}" "\n" _at REVERSE)
  math(EXPR _at "${_at} + 1")
  string(SUBSTRING "${text}" ${_at} -1 _line)
  set(_last_line "${_line}" PARENT_SCOPE)
endfunction()

# _check_libnode(<binary>): a bundled libnode resolves inside the moved prefix.
function(_check_libnode binary)
  if(_libnode)
    _run(ldd "${binary}")
    set(_loaded "")
    if(_out MATCHES "libnode\\.so\\.108 => ([^ \t\n]+)")
      file(REAL_PATH "${CMAKE_MATCH_1}" _loaded)
    endif()
    if(NOT _loaded STREQUAL _libnode)
      message(FATAL_ERROR "${binary} does not load ${_libnode}:\n${_out}")
    endif()
  endif()
endfunction()

# 3. The example, configured and built against the moved package.
set(_configure "${CMAKE_COMMAND}" -S "${EXAMPLE_DIR}" -B "${_build}" -G Ninja
    "-DCMAKE_PREFIX_PATH=${_prefix}" -DCMAKE_BUILD_TYPE=Release)
if(LAUNCHER)
  list(APPEND _configure "-DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}")
endif()
_run(${_configure})
file(STRINGS "${_build}/CMakeCache.txt" _warden_dir REGEX "^Warden_DIR:")
if(NOT _warden_dir STREQUAL "Warden_DIR:PATH=${_prefix}/lib/cmake/Warden")
  message(FATAL_ERROR "the example found another Warden package: ${_warden_dir}")
endif()
_run("${CMAKE_COMMAND}" --build "${_build}" -j2)
_check_libnode("${_build}/${EXECUTABLE}")

# 4. Run it; with SERVE_NODE against the moved bin/warden serving the
#    installed plugins on 127.0.0.1:0 (@NODE@ is its HOST:PORT), stopped with
#    SIGTERM afterwards, which must end it with exit 0.
set(_node "")
if(SERVE_NODE)
  set(_node_log "${WORK_DIR}/node.log")
  execute_process(
    COMMAND sh -c "\"$0\" serve --listen 127.0.0.1:0 </dev/null >/dev/null 2>\"$1\" & echo $!"
            "${_prefix}/bin/warden" "${_node_log}"
    OUTPUT_VARIABLE _node_pid OUTPUT_STRIP_TRAILING_WHITESPACE)
  foreach(_try RANGE 600)  # up to 60 s on a loaded machine
    if(EXISTS "${_node_log}")
      file(READ "${_node_log}" _log)
      if(_log MATCHES "listening on ([^ \n]+:[0-9]+)")
        set(_node "${CMAKE_MATCH_1}")
        break()
      endif()
    endif()
    execute_process(COMMAND kill -0 "${_node_pid}" RESULT_VARIABLE _alive)
    if(NOT _alive EQUAL 0)
      message(FATAL_ERROR "the moved bin/warden serve ended before listening:\n${_log}")
    endif()
    execute_process(COMMAND sleep 0.1)
  endforeach()
  if(NOT _node)
    execute_process(COMMAND kill -KILL "${_node_pid}")
    message(FATAL_ERROR "the moved bin/warden serve did not listen within 60 s:\n${_log}")
  endif()
  message(STATUS "moved bin/warden serve: pid ${_node_pid}, listening on ${_node}")
endif()
string(REPLACE "|" ";" _args "${RUN_ARGS}")  # tests/CMakeLists.txt joins them with '|'
string(REPLACE "@PREFIX@" "${_prefix}" _args "${_args}")
string(REPLACE "@PLUGINS@" "${_plugin_count}" _args "${_args}")
string(REPLACE "@NODE@" "${_node}" _args "${_args}")
if(SERVE_NODE)
  execute_process(COMMAND "${_build}/${EXECUTABLE}" ${_args} RESULT_VARIABLE _rc
                  OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  # The node stops whatever the host did; then the host's exit code counts.
  execute_process(COMMAND sh -c "kill -TERM $0; for i in $(seq 300); do kill -0 $0 2>/dev/null || exit 0; sleep 0.1; done; kill -KILL $0; exit 1"
                          "${_node_pid}" RESULT_VARIABLE _stopped)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "failed (${_rc}): ${EXECUTABLE} ${_args}\n${_out}\n${_err}")
  endif()
  if(NOT _stopped EQUAL 0)
    message(FATAL_ERROR "the moved bin/warden serve did not stop within 30 s of SIGTERM")
  endif()
else()
  _run("${_build}/${EXECUTABLE}" ${_args})
endif()
_last_line("${_out}")
message(STATUS "${EXECUTABLE} (built against ${_prefix}), last line: ${_last_line}")
if(DEFINED EXPECT)
  string(REPLACE "@PREFIX@" "${_prefix}" _expect "${EXPECT}")
  string(REPLACE "@PLUGINS@" "${_plugin_count}" _expect "${_expect}")
  string(REPLACE "@NODE@" "${_node}" _expect "${_expect}")
  if(NOT _out MATCHES "${_expect}")
    message(FATAL_ERROR "${EXECUTABLE}'s output does not match '${_expect}':\n${_out}\n${_err}")
  endif()
endif()

# 5. The moved CLI and worker, with the installed plugins.
if(DEFINED CLI_HAR)
  _check_libnode("${_prefix}/bin/warden")
  _check_libnode("${_prefix}/bin/warden-worker")
  _run("${_prefix}/bin/warden" scan --isolation process "${CLI_HAR}" OK_CODES 1)
  _last_line("${_out}")
  message(STATUS "moved bin/warden scan: ${_last_line}")
  if(NOT _out MATCHES "finding")
    message(FATAL_ERROR "bin/warden scan reported no findings:\n${_out}\n${_err}")
  endif()
endif()
