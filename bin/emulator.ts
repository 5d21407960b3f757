#!/usr/bin/env node
/**
 * `npm run emulator`: starts the local RDS IAM-auth emulator in the foreground, prints one JSON line on stdout
 * once it accepts logins, relays the plugin's refusal reasons to stderr, and stops on Ctrl-C / SIGTERM or when
 * the process that launched it (npm) goes away.
 */
import { Command, InvalidArgumentError } from 'commander';
import { emulatorSummary, followPluginLog, startEmulator, type EmulatorOptions, type RunningEmulator } from '../lib/emulator';
import { parseEngine } from '../lib/cli/flag-parsers';
import type { EmulatorEngine } from '../lib/emulator/emulator-options';
import { watchLaunchers } from '../lib/emulator/launcher-watchdog';
import { logTail } from '../lib/emulator/server-readiness';

interface EmulatorFlags {
  readonly engine?: EmulatorEngine;
  readonly endpointHost?: string;
  readonly region?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly sessionToken?: string;
  readonly port?: number;
  readonly maxClockSkew?: number;
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`'${value}' is not a whole number.`);
  return Number(value);
}

function parseOptions(): EmulatorOptions {
  const flags = new Command('emulator')
    .description('Local MariaDB or Oracle MySQL that verifies real RDS IAM auth tokens (SigV4) with test credentials, over TLS.')
    .option('--engine <engine>', 'mariadb, or mysql (downloaded into your cache on first use)', parseEngine, 'mariadb')
    .option('--endpoint-host <name>', 'host name tokens are signed for and the certificate names', 'localhost')
    .option('--region <region>', "region of the tokens' credential scope", 'us-east-1')
    .option('--access-key-id <id>', 'access key id of the test credentials (default: fixed test key)')
    .option('--secret-access-key <secret>', 'secret of the test credentials (default: fixed test secret)')
    .option('--session-token <token>', 'require this X-Amz-Security-Token (temporary credentials)')
    .option('--port <port>', 'TCP port on 127.0.0.1 (default: a free port)', wholeNumber)
    .option('--max-clock-skew <seconds>', 'how far in the future a token may be dated (default: 300)', wholeNumber)
    .parse()
    .opts<EmulatorFlags>();
  return {
    engine: flags.engine,
    endpointHost: flags.endpointHost,
    region: flags.region,
    accessKeyId: flags.accessKeyId,
    secretAccessKey: flags.secretAccessKey,
    sessionToken: flags.sessionToken,
    port: flags.port,
    maxClockSkewSeconds: flags.maxClockSkew,
  };
}

async function main(): Promise<void> {
  const options = parseOptions();
  let emulator: RunningEmulator | undefined;
  let stopReason: string | undefined;
  let stopFollowing = (): void => undefined;

  const stopAndExit = async (): Promise<never> => {
    stopFollowing();
    stopWatching();
    await emulator?.stop();
    process.stderr.write(`emulator: stopped (${stopReason})\n`);
    process.exit(0);
  };
  // Armed before the server starts: a stop request during start-up is honoured as soon as there is a server to stop.
  const requestStop = (reason: string): void => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    if (emulator !== undefined) void stopAndExit();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, requestStop);
  const stopWatching = watchLaunchers(() => requestStop('the process that launched it exited'));

  emulator = await startEmulator(options);
  if (stopReason !== undefined) await stopAndExit();
  process.stderr.write(`emulator: ${emulator.engine} ${emulator.serverVersion} ready on ${emulator.endpoint}\n`);
  process.stdout.write(`${JSON.stringify(emulatorSummary(emulator))}\n`);
  stopFollowing = followPluginLog(emulator.errorLogFile, (line) => process.stderr.write(`${line}\n`));

  await emulator.exited;
  if (stopReason === undefined) {
    stopFollowing();
    stopWatching();
    const tail = await logTail(emulator.errorLogFile);
    await emulator.stop();
    process.stderr.write(`emulator: ${emulator.engine} (pid ${emulator.pid}) exited unexpectedly. Its log ended with:\n${tail}\n`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
