#!/usr/bin/env bash
# `npm run snapshots:update`: rewrites the Jest snapshots (access text, reviewer view, custom resource properties) from
# the code as it is, then `git diff test/**/__snapshots__` shows what changed. Jest's failure hint names this command.
# Only the test files that take snapshots run, so neither the emulator nor its Debian packages are needed.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t snapshot_tests < <(grep -rlE 'toMatch(Inline)?Snapshot' test --include='*.test.ts' | sort)
npx jest --ci=false --updateSnapshot "$@" "${snapshot_tests[@]}"
