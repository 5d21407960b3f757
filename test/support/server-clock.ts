/**
 * Moving an emulator's server clock with libfaketime (Debian package `faketime`, installed by
 * scripts/ensure-system-packages.sh): the server's wall clock moves, its monotonic clock (timers, waits) stays real.
 * Passed as the emulator's `serverEnvironment`, so only the server process is affected.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** libfaketime's preload library, for this machine's architecture. */
export function libfaketimePath(): string {
  const found = readdirSync('/usr/lib')
    .map((architecture) => join('/usr/lib', architecture, 'faketime', 'libfaketime.so.1'))
    .find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error('libfaketime is not installed: run scripts/ensure-system-packages.sh (Debian package faketime)');
  }
  return found;
}

/** A fixed offset (`'+20m'`, `'-10m'`), or a file holding one that is read at every clock read (movable). */
export type ServerClock = { readonly offset: string } | { readonly offsetFile: string };

/** The environment that runs the server under libfaketime with that clock. */
export function serverClockEnvironment(clock: ServerClock): Readonly<Record<string, string>> {
  return {
    LD_PRELOAD: libfaketimePath(),
    ...('offset' in clock ? { FAKETIME: clock.offset } : { FAKETIME_TIMESTAMP_FILE: clock.offsetFile, FAKETIME_NO_CACHE: '1' }),
    // Both servers time their waits with the monotonic clock: only wall-clock time moves.
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
    // libfaketime 0.9.10 otherwise rewrites the deadlines of CLOCK_MONOTONIC condition waits by the offset (its
    // "monotonic fix" for glibc >= 2.24), and mysqld then hangs at start-up under a positive offset.
    FAKETIME_FORCE_MONOTONIC_FIX: '0',
  };
}
