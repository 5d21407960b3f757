#!/usr/bin/env bash
# Every test: system packages, the MySQL server, type check, build (the CLI tests run the built bin), then Jest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh
# Oracle MySQL for the emulator's second engine: downloaded once into the user's cache; a failure stops the run here.
bash scripts/ensure-mysql-server.sh >/dev/null
npx tsc -p tsconfig.json --noEmit
npm run --silent build
npx jest --ci "$@"
