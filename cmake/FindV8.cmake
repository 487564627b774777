# V8 10.2 from Debian's libnode 18 (libnode108 + libnode-dev): the one place
# that pins the V8 version. Defines the imported target v8::v8.
#
# Uses the system libnode-dev when it is installed and carries V8 10.2.
# Otherwise (apt cannot install it where a newer nodejs is present) it unpacks
# the two .deb files with `apt-get download` + `dpkg -x` into
# LIBNODE_PREFIX (default: <build dir>/_deps/libnode). /usr/include/node, which
# may hold Node 20's V8 11 headers, is never searched unless it is V8 10.2.
set(WARDEN_V8_VERSION "10.2" CACHE INTERNAL "the V8 major.minor Warden builds against")
find_package(Threads REQUIRED)

function(_warden_v8_version header out)
  file(STRINGS "${header}" _lines REGEX "#define V8_[A-Z_]+ [0-9]+")
  foreach(_part MAJOR_VERSION MINOR_VERSION BUILD_NUMBER PATCH_LEVEL)
    string(REGEX MATCH "V8_${_part} ([0-9]+)" _m "${_lines}")
    set(_v_${_part} "${CMAKE_MATCH_1}")
  endforeach()
  set(${out} "${_v_MAJOR_VERSION}.${_v_MINOR_VERSION}.${_v_BUILD_NUMBER}.${_v_PATCH_LEVEL}"
      PARENT_SCOPE)
endfunction()

set(LIBNODE_PREFIX "${CMAKE_BINARY_DIR}/_deps/libnode" CACHE PATH
    "folder that libnode108 and libnode-dev are unpacked into (holds usr/include/node)")

set(_v8_system_header "/usr/include/node/v8-version.h")
set(_v8_use_system FALSE)
if(EXISTS "${_v8_system_header}" AND EXISTS "/usr/lib/x86_64-linux-gnu/libnode.so.108")
  _warden_v8_version("${_v8_system_header}" _sys_version)
  if(_sys_version MATCHES "^10\\.2\\.")
    set(_v8_use_system TRUE)
  endif()
endif()

if(_v8_use_system)
  set(_v8_root "/usr")
else()
  set(_v8_root "${LIBNODE_PREFIX}/usr")
  if(NOT EXISTS "${_v8_root}/include/node/v8-version.h" OR
     NOT EXISTS "${_v8_root}/lib/x86_64-linux-gnu/libnode.so.108")
    message(STATUS "V8: unpacking libnode108 + libnode-dev into ${LIBNODE_PREFIX}")
    set(_dl "${CMAKE_BINARY_DIR}/_deps/libnode-debs")
    file(MAKE_DIRECTORY "${_dl}" "${LIBNODE_PREFIX}")
    execute_process(COMMAND apt-get download libnode108 libnode-dev
                    WORKING_DIRECTORY "${_dl}" RESULT_VARIABLE _rc ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0)
      message(FATAL_ERROR "V8: `apt-get download libnode108 libnode-dev` failed (${_err}). "
                          "Run scripts/setup.sh first (it runs apt-get update).")
    endif()
    file(GLOB _debs "${_dl}/libnode108_*.deb" "${_dl}/libnode-dev_*.deb")
    foreach(_deb IN LISTS _debs)
      execute_process(COMMAND dpkg -x "${_deb}" "${LIBNODE_PREFIX}" RESULT_VARIABLE _rc)
      if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "V8: dpkg -x ${_deb} failed")
      endif()
    endforeach()
  endif()
endif()

find_path(V8_INCLUDE_DIR v8.h PATHS "${_v8_root}/include/node" NO_DEFAULT_PATH)
find_library(V8_LIBRARY NAMES libnode.so.108 node PATHS "${_v8_root}/lib/x86_64-linux-gnu"
             NO_DEFAULT_PATH)
if(V8_INCLUDE_DIR)
  _warden_v8_version("${V8_INCLUDE_DIR}/v8-version.h" V8_VERSION)
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(V8 REQUIRED_VARS V8_LIBRARY V8_INCLUDE_DIR VERSION_VAR V8_VERSION)
if(V8_FOUND AND NOT V8_VERSION MATCHES "^10\\.2\\.")
  message(FATAL_ERROR "V8: found ${V8_VERSION} in ${V8_INCLUDE_DIR}, Warden needs ${WARDEN_V8_VERSION}")
endif()
if(V8_FOUND AND NOT TARGET v8::v8)
  get_filename_component(V8_LIBRARY_DIR "${V8_LIBRARY}" DIRECTORY)
  set(V8_LIBRARY_DIR "${V8_LIBRARY_DIR}" CACHE INTERNAL "")
  add_library(v8::v8 SHARED IMPORTED)
  # Imported include dirs are SYSTEM (-isystem): no warnings from V8's headers.
  # This libnode is built without pointer compression: never define V8_COMPRESS_POINTERS.
  set_target_properties(v8::v8 PROPERTIES
    IMPORTED_LOCATION "${V8_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${V8_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS "WARDEN_V8_BUILD_VERSION=\"${V8_VERSION}\""
    INTERFACE_LINK_LIBRARIES Threads::Threads)
  message(STATUS "V8 ${V8_VERSION}: ${V8_INCLUDE_DIR}, ${V8_LIBRARY}")
endif()
