#!/usr/bin/env node
// The `rds-iam` executable: everything lives in lib/cli; this only hands over argv and the exit code.
import { redactAuthTokens } from '../lib/client/auth-token-format';
import { runCli } from '../lib/cli/program';

// A reader that stops early (`rds-iam token … | head -c 20`) is not a failure: what is written after it left is dropped.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

runCli(process.argv).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`rds-iam: unexpected failure: ${redactAuthTokens(message)}\n`);
    process.exitCode = 1;
  },
);
