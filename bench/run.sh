#!/usr/bin/env bash
# `npm run bench`: builds, then runs every bench/*.ts (or only those named: npm run bench -- token-throughput cli-token-latency)
# with its default arguments. Each prints a markdown table; results are not saved unless redirected.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
if [ "$#" -gt 0 ]; then
  benches=()
  for name in "$@"; do benches+=("bench/${name%.ts}.ts"); done
else
  benches=(bench/*.ts)
fi
for bench in "${benches[@]}"; do
  echo "## ${bench}"
  npx tsx "${bench}"
  echo
done
