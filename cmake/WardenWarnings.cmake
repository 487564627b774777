# Compile options for Warden's own targets (never directory-wide).
#   warden_target_defaults(<target>)  warnings as errors, sanitizers when asked
#   warden_no_rtti_sources(<files>)   sources that subclass a V8 interface: libnode
#                                     is built without RTTI, so such a class links
#                                     only without RTTI (no typeinfo for v8::...)
# WARDEN_SANITIZE: OFF; ON or address = ASan + UBSan (vptr off: it needs V8's typeinfo, which
# libnode lacks); thread = ThreadSanitizer. The two cannot be combined in one build.
string(TOLOWER "${WARDEN_SANITIZE}" _warden_sanitize)
if(_warden_sanitize STREQUAL "thread")
  set(WARDEN_SANITIZE_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
  set(WARDEN_SANITIZE_LINK_FLAGS -fsanitize=thread)
elseif(_warden_sanitize MATCHES "^(address|on|yes|true|1)$")
  set(WARDEN_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer)
  set(WARDEN_SANITIZE_LINK_FLAGS -fsanitize=address,undefined -fno-sanitize=vptr)
elseif(_warden_sanitize MATCHES "^(off|no|false|0|)$")
  set(WARDEN_SANITIZE_FLAGS "")
  set(WARDEN_SANITIZE_LINK_FLAGS "")
else()
  message(FATAL_ERROR "WARDEN_SANITIZE is OFF, ON (or address) or thread, not '${WARDEN_SANITIZE}'")
endif()

function(warden_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-missing-field-initializers)
  if(WARDEN_SANITIZE_FLAGS)
    # GCC 12's -Wmaybe-uninitialized misfires inside std::regex, and its -Warray-bounds
    # and -Wstringop-overflow/-overread inside std::string's memcpy, under the
    # sanitizers' instrumentation (known false positives); the Release build keeps them.
    target_compile_options(${target} PRIVATE ${WARDEN_SANITIZE_FLAGS} -Wno-maybe-uninitialized
                                             -Wno-array-bounds -Wno-stringop-overflow
                                             -Wno-stringop-overread)
    target_link_options(${target} PRIVATE ${WARDEN_SANITIZE_LINK_FLAGS})
  endif()
endfunction()

function(warden_no_rtti_sources)
  set_source_files_properties(${ARGN} PROPERTIES COMPILE_OPTIONS -fno-rtti)
endfunction()
