#pragma once
// The hidden `--probe-confinement` mode: proof that a child's confinement holds.

#include <cstddef>

namespace warden::worker {

// Confines the calling process exactly as a child is confined (descriptors,
// RLIMIT_AS, seccomp), then tries what the filter must deny and prints, one
// line each, "name: denied (reason)" or "name: allowed". Returns the exit code.
int run_probe(std::size_t address_space_limit_bytes);

}  // namespace warden::worker
