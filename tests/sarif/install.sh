#!/usr/bin/env bash
# Installs the SARIF validators' npm dependencies (ajv 6 + the SARIF 2.1.0
# schema from @microsoft/jest-sarif, and Microsoft's SARIF Multitool from
# @microsoft/sarif-multitool-linux) into tests/sarif/node_modules, from the
# committed package-lock.json. Idempotent; exits 0 without node/npm (the CLI
# tests then skip SARIF schema validation with a warning).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "sarif: npm not found; SARIF schema validation will be skipped" >&2
  exit 0
fi
if [ -f node_modules/ajv/package.json ] &&
   [ -f node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json ] &&
   [ -x node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool ] &&
   [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
