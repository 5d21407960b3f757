import type { DatabaseEngineFamily } from '../users/database-user-spec';
import { canonicalPrivilegeName } from '../users/privileges';
import type { ValidatedUser } from '../users/validate-user-specs';
import type { LiveUserState } from './live-user-state';
import {
  IdentifierCase,
  ServerGrantTarget,
  serverGrantTargetKey,
  toServerGrantTarget,
} from './server-grant-target';
import { GRANT_OPTION } from './user-statements';

/** Privileges to grant or revoke on one target, sorted. */
export interface TargetPrivileges {
  readonly target: ServerGrantTarget;
  readonly privileges: readonly string[];
}

export interface PrivilegeDiff {
  readonly grants: readonly TargetPrivileges[];
  /** Privileges the user holds but the declaration does not list (including `GRANT OPTION`, never declared). */
  readonly revokes: readonly TargetPrivileges[];
}

/** `USAGE` means "no privilege" and is reported for every user; it is never granted nor revoked. */
const NO_PRIVILEGE = 'USAGE';

interface TargetEntry {
  readonly target: ServerGrantTarget;
  readonly privileges: Set<string>;
  grantable: boolean;
}

function byKey(a: [string, TargetEntry], b: [string, TargetEntry]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** Set differences per target between what a user is declared to hold and what the server says it holds. */
export function diffUserPrivileges(
  engine: DatabaseEngineFamily,
  user: ValidatedUser,
  live: LiveUserState,
  identifierCase: IdentifierCase,
): PrivilegeDiff {
  const declared = new Map<string, TargetEntry>();
  for (const grant of user.grants) {
    const target = toServerGrantTarget(grant.target, identifierCase);
    const key = serverGrantTargetKey(target);
    const entry = declared.get(key) ?? { target, privileges: new Set<string>(), grantable: false };
    grant.privileges.forEach((privilege) => entry.privileges.add(privilege));
    declared.set(key, entry);
  }
  const held = new Map<string, TargetEntry>();
  for (const row of live.privileges) {
    const key = serverGrantTargetKey(row.target);
    const entry = held.get(key) ?? { target: row.target, privileges: new Set<string>(), grantable: false };
    const privilege = canonicalPrivilegeName(engine, row.privilege);
    if (privilege !== NO_PRIVILEGE) entry.privileges.add(privilege);
    entry.grantable ||= row.grantable;
    held.set(key, entry);
  }

  const grants: TargetPrivileges[] = [];
  for (const [key, wanted] of [...declared.entries()].sort(byKey)) {
    const missing = [...wanted.privileges].filter((privilege) => !held.get(key)?.privileges.has(privilege));
    if (missing.length > 0) grants.push({ target: wanted.target, privileges: missing.sort() });
  }
  const revokes: TargetPrivileges[] = [];
  for (const [key, holding] of [...held.entries()].sort(byKey)) {
    const extra = [...holding.privileges].filter((privilege) => !declared.get(key)?.privileges.has(privilege)).sort();
    // A column row repeats its table's grant option, which the table-level row already revokes.
    if (holding.grantable && holding.target.level !== 'column') extra.push(GRANT_OPTION);
    if (extra.length > 0) revokes.push({ target: holding.target, privileges: extra });
  }
  return { grants, revokes };
}
