#!/usr/bin/env bash
# Installs everything Warden needs on Debian 12, idempotently, then unpacks
# Debian's libnode 18 (V8 10.2) into the build tree when apt cannot install it.
#
#   scripts/setup.sh [BUILD_DIR]      (default BUILD_DIR: build)
#
# Runs as root (or through sudo when available). Safe to run again: it only
# installs what is missing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$root/build}
case "$build_dir" in /*) ;; *) build_dir=$root/$build_dir ;; esac

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: run as root or install sudo" >&2; exit 1; }
  sudo_cmd=(sudo)
fi

packages=(
  build-essential cmake ninja-build pkg-config
  libcaf-dev libspdlog-dev catch2 nlohmann-json3-dev libcli11-dev libbenchmark-dev
  libyaml-cpp-dev  # the YAML metadata of ZAP scripts
  libsimdjson-dev  # the HAR reader's fast path
  libseccomp-dev  # the syscall filter of warden-worker's children (process isolation)
  libssl-dev openssl  # mutual TLS between nodes (libcaf_openssl); the test certificates
  clang clang-format libclang-rt-14-dev
  # runtime libraries of libnode108 (install normally even where libnode-dev cannot)
  libuv1 libicu72 libssl3 libc-ares2 libnghttp2-14 libbrotli1 zlib1g
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The SARIF test validates against the official schema with a JSON Schema
# validator from npm (ajv); without npm those cases skip and say so.
command -v npm >/dev/null || {
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nodejs npm || true
}
"$root/tests/sarif/install.sh"

# V8 10.2 comes from Debian's libnode 18. Use the system package when it is
# installed; otherwise unpack libnode108 + libnode-dev into the build tree.
if dpkg-query -W -f='${Status}' libnode-dev 2>/dev/null | grep -q "install ok installed" &&
   grep -q '^#define V8_MAJOR_VERSION 10' /usr/include/node/v8-version.h 2>/dev/null; then
  echo "setup: using the system libnode-dev"
else
  prefix=$build_dir/_deps/libnode
  if [ ! -f "$prefix/usr/include/node/v8-version.h" ] ||
     ! ls "$prefix"/usr/lib/x86_64-linux-gnu/libnode.so.108 >/dev/null 2>&1; then
    echo "setup: unpacking libnode108 + libnode-dev into $prefix"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    ( cd "$work" && apt-get download libnode108 libnode-dev >/dev/null 2>&1 ) || {
      "${sudo_cmd[@]}" apt-get update -qq
      ( cd "$work" && apt-get download libnode108 libnode-dev )
    }
    mkdir -p "$prefix"
    for deb in "$work"/libnode108_*.deb "$work"/libnode-dev_*.deb; do dpkg -x "$deb" "$prefix"; done
  fi
  echo "setup: libnode in $prefix ($(grep -E 'define V8_(MAJOR|MINOR)_VERSION' "$prefix/usr/include/node/v8-version.h" | awk '{print $3}' | paste -sd.))"
fi
