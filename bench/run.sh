#!/usr/bin/env bash
# `npm run bench`: builds, then runs every bench (a bench/*.ts whose header shows how to run it with `npx tsx bench/…`;
# the others are helpers it spawns), or only those named: npm run bench -- token-throughput cli-token-latency.
# Each prints a markdown table with its default arguments; results are not saved unless redirected.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
if [ "$#" -gt 0 ]; then
  benches=()
  for name in "$@"; do benches+=("bench/${name%.ts}.ts"); done
else
  mapfile -t benches < <(grep -l 'npx tsx bench/' bench/*.ts)
fi
for bench in "${benches[@]}"; do
  echo "## ${bench}"
  npx tsx "${bench}"
  echo
done
