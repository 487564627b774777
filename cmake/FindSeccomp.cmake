# libseccomp (Debian's libseccomp-dev): the syscall filter of warden-worker's
# children. Defines the imported target Seccomp::Seccomp.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_SECCOMP QUIET libseccomp)
endif()
find_path(SECCOMP_INCLUDE_DIR seccomp.h HINTS ${PC_SECCOMP_INCLUDE_DIRS})
find_library(SECCOMP_LIBRARY NAMES seccomp HINTS ${PC_SECCOMP_LIBRARY_DIRS})
set(Seccomp_VERSION "${PC_SECCOMP_VERSION}")

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Seccomp
  REQUIRED_VARS SECCOMP_LIBRARY SECCOMP_INCLUDE_DIR
  VERSION_VAR Seccomp_VERSION
  FAIL_MESSAGE "libseccomp not found: install libseccomp-dev (scripts/setup.sh does)")

if(Seccomp_FOUND AND NOT TARGET Seccomp::Seccomp)
  add_library(Seccomp::Seccomp UNKNOWN IMPORTED)
  set_target_properties(Seccomp::Seccomp PROPERTIES
    IMPORTED_LOCATION "${SECCOMP_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${SECCOMP_INCLUDE_DIR}")
endif()
mark_as_advanced(SECCOMP_INCLUDE_DIR SECCOMP_LIBRARY)
