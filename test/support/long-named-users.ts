import type { RunningEmulator } from '../../lib/emulator';
import { openMasterSession } from '../../lib/rehearsal/database-inspection';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { userSpec } from './user-specs';

/** A name of exactly `length` characters, unique per index. */
export const named = (prefix: string, index: number, length: number): string => `${prefix}${index}`.padEnd(length, 'x');

/** `count` users with three grants each, with the longest names MySQL allows (user 32, database and table 64). */
export function longNamedUsers(count: number): DatabaseUserSpec[] {
  return Array.from({ length: count }, (_, index) =>
    userSpec(named('u', index, 32), {
      grants: [
        { on: `${named('tenant', index, 64)}.*`, privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
        { on: `${named('shared', 0, 64)}.${named('lookup', 0, 64)}`, privileges: ['SELECT'] },
        { on: `${named('audit', 0, 64)}.${named('events', 0, 64)}`, privileges: ['INSERT'] },
      ],
    }),
  );
}

/** Creates the two tables every long-named user is granted on (a table grant needs its table), as the master user. */
export async function createLongNamedTables(server: RunningEmulator): Promise<void> {
  const session = await openMasterSession(server);
  try {
    for (const [database, table] of [[named('shared', 0, 64), named('lookup', 0, 64)], [named('audit', 0, 64), named('events', 0, 64)]]) {
      await session.query('CREATE DATABASE IF NOT EXISTS ??', [database]);
      await session.query('CREATE TABLE IF NOT EXISTS ??.?? (id INT PRIMARY KEY)', [database, table]);
    }
  } finally {
    await session.end();
  }
}
