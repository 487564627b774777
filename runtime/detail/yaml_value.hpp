#pragma once
// Parses YAML text into plain JS values in the calling isolate, with yaml-cpp:
// the one native function ZAP scripts' ScanRuleMetadata.fromYaml reaches.
// Private to runtime/.

#include <v8.h>

namespace warden::runtime::detail {

// A FunctionCallback: parseYaml(text) returns the first document as JS values
// (mappings as objects, sequences as arrays, scalars as strings, null for an
// empty or ~ value) or throws a SyntaxError naming the line and column. Bounded:
// at most kMaxYamlBytes of text and kMaxYamlNodes values (aliases count each
// time they are used), nested at most kMaxYamlDepth deep.
void parse_yaml(const v8::FunctionCallbackInfo<v8::Value>& info);

inline constexpr int kMaxYamlBytes = 256 * 1024;
inline constexpr int kMaxYamlNodes = 10'000;
inline constexpr int kMaxYamlDepth = 32;

}  // namespace warden::runtime::detail
