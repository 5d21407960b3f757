/**
 * An emulator whose clock the test can move: its mariadbd runs under libfaketime (Debian package `faketime`,
 * installed by scripts/ensure-system-packages.sh), reading the offset from a file at every clock read. Moving the
 * server 16 minutes ahead makes a token signed "now" expired, with no waiting.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RunningEmulator } from '../../../lib/emulator';

/** A running emulator and the knob for its clock. */
export interface EmulatorWithClock {
  readonly emulator: RunningEmulator;
  /** Sets the server's wall clock to real time plus this many minutes (monotonic clocks stay real). */
  setServerClockOffsetMinutes(minutes: number): void;
  stop(): Promise<void>;
}

function libfaketimePath(): string {
  const found = readdirSync('/usr/lib')
    .map((architecture) => join('/usr/lib', architecture, 'faketime', 'libfaketime.so.1'))
    .find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error('libfaketime is not installed: run scripts/ensure-system-packages.sh (Debian package faketime)');
  }
  return found;
}

/** Starts an emulator (in a child process) whose mariadbd sees a wall-clock offset read from a file. */
export async function startEmulatorWithMovableClock(): Promise<EmulatorWithClock> {
  const directory = mkdtempSync(join(tmpdir(), 'rds-iam-clock-'));
  const offsetFile = join(directory, 'offset');
  writeFileSync(offsetFile, '+0\n');
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'clocked-emulator-process.ts'), libfaketimePath(), offsetFile], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const [line] = await Promise.race([
    createInterface({ input: child.stdout })[Symbol.asyncIterator]().next().then((next) => [next.value as string | undefined]),
    exited.then(() => [undefined]),
  ]);
  if (line === undefined) throw new Error('the clocked emulator did not start (see its error above)');
  const stop = async (): Promise<void> => {
    child.stdin.end();
    await exited;
    rmSync(directory, { recursive: true, force: true });
  };
  const emulator: RunningEmulator = { ...(JSON.parse(line) as Omit<RunningEmulator, 'stop' | 'exited'>), exited, stop };
  return {
    emulator,
    setServerClockOffsetMinutes: (minutes) => writeFileSync(offsetFile, `${minutes >= 0 ? '+' : ''}${minutes}m\n`),
    stop,
  };
}
