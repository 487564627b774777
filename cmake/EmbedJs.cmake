# Writes a C++ header holding one JavaScript file as a string constant, so the
# engine's own scripts (runtime/js/*.js) ship inside the library:
#   cmake -DINPUT=a.js -DOUTPUT=a.js.hpp -DNAME=kZapJava -P EmbedJs.cmake
file(READ "${INPUT}" _js)
string(FIND "${_js}" ")WARDENJS\"" _clash)
if(NOT _clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )WARDENJS\"")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by cmake/EmbedJs.cmake; do not edit.\n#pragma once\n"
  "inline constexpr const char ${NAME}[] = R\"WARDENJS(${_js})WARDENJS\";\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
