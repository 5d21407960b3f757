/**
 * An emulator whose clock the test can move: its server runs under libfaketime, reading the offset from a file at
 * every clock read. Moving the server 16 minutes ahead makes a token signed "now" expired, with no waiting.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorEngine, type RunningEmulator } from '../../../lib/emulator';
import { serverClockEnvironment } from '../../support/server-clock';

/** A running emulator and the knob for its clock. */
export interface EmulatorWithClock {
  readonly emulator: RunningEmulator;
  /** Sets the server's wall clock to real time plus this many minutes (monotonic clocks stay real). */
  setServerClockOffsetMinutes(minutes: number): void;
  stop(): Promise<void>;
}

/** Starts an emulator of the engine whose server sees a wall-clock offset read from a file. */
export async function startEmulatorWithMovableClock(engine: EmulatorEngine): Promise<EmulatorWithClock> {
  const directory = mkdtempSync(join(tmpdir(), 'rds-iam-clock-'));
  const offsetFile = join(directory, 'offset');
  writeFileSync(offsetFile, '+0\n');
  try {
    const emulator = await startEmulator({ engine, serverEnvironment: serverClockEnvironment({ offsetFile }) });
    return {
      emulator,
      setServerClockOffsetMinutes: (minutes) => writeFileSync(offsetFile, `${minutes >= 0 ? '+' : ''}${minutes}m\n`),
      stop: async () => {
        await emulator.stop();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}
