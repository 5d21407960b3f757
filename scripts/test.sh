#!/usr/bin/env bash
# Every test: system packages, type check, build (the CLI tests run the built bin), then Jest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh
npx tsc -p tsconfig.json --noEmit
npm run --silent build
npx jest --ci "$@"
