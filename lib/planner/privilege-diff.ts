import type { DatabaseEngineFamily } from '../users/database-user-spec';
import { canonicalPrivilegeName, isStaticPrivilege } from '../users/privileges';
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
  /**
   * Declared MySQL dynamic privileges held `WITH GRANT OPTION` (given by hand): MySQL keeps that option per dynamic
   * privilege and `REVOKE GRANT OPTION ON *.*` leaves it, so they are in `revokes` and granted again after them.
   */
  readonly regrants: readonly TargetPrivileges[];
}

/** `USAGE` means "no privilege" and is reported for every user; it is never granted nor revoked. */
const NO_PRIVILEGE = 'USAGE';

interface TargetEntry {
  readonly target: ServerGrantTarget;
  readonly privileges: Set<string>;
  /** A privilege whose grant option `REVOKE GRANT OPTION` takes back is held with it. */
  grantable: boolean;
  /** Dynamic privileges held with their own grant option, which only revoking the privilege takes back. */
  readonly grantableDynamic: Set<string>;
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
    const entry = declared.get(key) ?? { target, privileges: new Set<string>(), grantable: false, grantableDynamic: new Set<string>() };
    grant.privileges.forEach((privilege) => entry.privileges.add(privilege));
    declared.set(key, entry);
  }
  const held = new Map<string, TargetEntry>();
  for (const row of live.privileges) {
    const key = serverGrantTargetKey(row.target);
    const entry = held.get(key) ?? { target: row.target, privileges: new Set<string>(), grantable: false, grantableDynamic: new Set<string>() };
    const privilege = canonicalPrivilegeName(engine, row.privilege);
    if (privilege !== NO_PRIVILEGE) entry.privileges.add(privilege);
    const dynamic = engine === 'mysql' && row.target.level === 'global' && privilege !== NO_PRIVILEGE && !isStaticPrivilege(engine, privilege);
    if (dynamic && row.grantable) entry.grantableDynamic.add(privilege);
    else entry.grantable ||= row.grantable;
    held.set(key, entry);
  }

  const grants: TargetPrivileges[] = [];
  for (const [key, wanted] of [...declared.entries()].sort(byKey)) {
    const missing = [...wanted.privileges].filter((privilege) => !held.get(key)?.privileges.has(privilege));
    if (missing.length > 0) grants.push({ target: wanted.target, privileges: missing.sort() });
  }
  const revokes: TargetPrivileges[] = [];
  const regrants: TargetPrivileges[] = [];
  for (const [key, holding] of [...held.entries()].sort(byKey)) {
    const wanted = declared.get(key)?.privileges;
    const extra = [...holding.privileges].filter((privilege) => !wanted?.has(privilege));
    const shedOption = [...holding.grantableDynamic].filter((privilege) => wanted?.has(privilege) === true).sort();
    const revoked = [...extra, ...shedOption].sort();
    // A column row repeats its table's grant option, which the table-level row already revokes.
    if (holding.grantable && holding.target.level !== 'column') revoked.push(GRANT_OPTION);
    if (revoked.length > 0) revokes.push({ target: holding.target, privileges: revoked });
    if (shedOption.length > 0) regrants.push({ target: holding.target, privileges: shedOption });
  }
  return { grants, revokes, regrants };
}
