#!/usr/bin/env bash
# The access review of a pull request: synthesizes two checkouts (base and head) offline, then prints, as markdown,
# what the change does to database access (`rds-iam diff`). The pull-request workflow appends the output to the job
# summary; run it locally the same way:  bash scripts/access-review.sh ../main-checkout .
# Exit code 0 whether access changes or not (the summary says which), 1 when a checkout cannot be synthesized or read.
set -euo pipefail
if [ "$#" -ne 2 ]; then
  echo "usage: bash scripts/access-review.sh <base checkout> <head checkout>" >&2
  exit 1
fi
base=$(cd "$1" && pwd)
head=$(cd "$2" && pwd)

# Offline synth: no AWS credentials, no version check, no telemetry; the templates need no AWS lookup.
export CDK_DISABLE_VERSION_CHECK=true CDK_DISABLE_CLI_TELEMETRY=true
for checkout in "$base" "$head"; do
  echo "synthesizing $checkout" >&2
  (cd "$checkout" && npm ci --no-audit --no-fund >&2 && npx cdk synth --quiet --output cdk.out >&2)
done

# The head's CLI reads both assemblies: the base may predate `rds-iam diff`.
status=0
node "$head/dist/bin/rds-iam.js" diff "$base/cdk.out" "$head/cdk.out" || status=$?
if [ "$status" -eq 1 ]; then exit 1; fi
exit 0
