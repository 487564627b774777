# Compile options for Warden's own targets (never directory-wide).
#   warden_target_defaults(<target>)  warnings as errors, sanitizers when asked
#   warden_no_rtti_sources(<files>)   sources that subclass a V8 interface: libnode
#                                     is built without RTTI, so such a class links
#                                     only without RTTI (no typeinfo for v8::...)
set(WARDEN_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer)

function(warden_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-missing-field-initializers)
  if(WARDEN_SANITIZE)
    # GCC 12's -Wmaybe-uninitialized misfires inside std::regex under ASan's
    # instrumentation (a known false positive); the Release build keeps it.
    target_compile_options(${target} PRIVATE ${WARDEN_SANITIZE_FLAGS} -Wno-maybe-uninitialized)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined -fno-sanitize=vptr)
  endif()
endfunction()

function(warden_no_rtti_sources)
  set_source_files_properties(${ARGN} PROPERTIES COMPILE_OPTIONS -fno-rtti)
endfunction()
