/**
 * Child process of movable-server-clock.ts: starts an emulator whose mariadbd runs under libfaketime, prints it as
 * one JSON line, and stops it when standard input closes. A separate process because Jest gives tests a copy of
 * process.env, which child_process.spawn (and so the emulator) never sees.
 */
import { startEmulator } from '../../../lib/emulator';

async function main(): Promise<void> {
  const [libfaketime, offsetFile] = process.argv.slice(2);
  Object.assign(process.env, {
    LD_PRELOAD: libfaketime,
    FAKETIME_TIMESTAMP_FILE: offsetFile,
    FAKETIME_NO_CACHE: '1',
    // mariadbd's timers and condition waits use the monotonic clock: only wall-clock time moves.
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  });
  const emulator = await startEmulator();
  for (const name of ['LD_PRELOAD', 'FAKETIME_TIMESTAMP_FILE', 'FAKETIME_NO_CACHE', 'FAKETIME_DONT_FAKE_MONOTONIC']) {
    delete process.env[name];
  }
  const { stop: _stop, exited: _exited, ...description } = emulator;
  process.stdout.write(`${JSON.stringify(description)}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => {
    void emulator.stop().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
