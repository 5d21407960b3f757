import { decodeUserSpecs, encodeUserSpecs, ProvisionerProperty } from '../provisioning/provisioner-properties';
import type { DatabaseUserSpec } from '../users/database-user-spec';
import type { PropertyOverride } from './simulated-stack';

/**
 * Edits of a provisioner resource's declared user set, as a developer's next commit would make them, for the
 * lifecycle's Updates. They go through the construct's own wire format (`encodeUserSpecs`).
 */

/** A database no declaration names, for the users the rehearsal adds. */
export const REHEARSAL_SCHEMA = 'rehearsal_db';

/** The declared users of a provisioner resource's properties. */
export function declaredUsers(properties: Readonly<Record<string, unknown>>): DatabaseUserSpec[] {
  return decodeUserSpecs(properties[ProvisionerProperty.Users]);
}

function withUsers(edit: (users: DatabaseUserSpec[]) => DatabaseUserSpec[]): PropertyOverride {
  return (properties) => ({ ...properties, [ProvisionerProperty.Users]: encodeUserSpecs(edit(declaredUsers(properties))) });
}

const added = (username: string, on: string): DatabaseUserSpec => ({
  username,
  grants: [{ on, privileges: ['SELECT'] }],
  requireSsl: true,
  removalPolicy: 'drop',
  adoptExistingUser: false,
});

/**
 * One user removed (the first one declared with `drop`, so the Update drops it), one added, and one more privilege
 * for another: every kind of statement.
 */
export const changedUserSet: PropertyOverride = withUsers((users) => {
  const removed = users.find((user) => user.removalPolicy === 'drop');
  const kept = users.filter((user) => user !== removed);
  const [first, ...rest] = kept;
  const widened = first === undefined ? [] : [{ ...first, grants: [...first.grants, { on: `${REHEARSAL_SCHEMA}.*`, privileges: ['SELECT'] }] }];
  return [...widened, ...rest, added('rehearsal_added', `${REHEARSAL_SCHEMA}.*`)];
});

/**
 * The users plus two new ones, the second granted on a table that does not exist: the server refuses that GRANT
 * after the statements before it ran, so the Create or Update fails half-way, as when a limit is hit mid-run.
 */
export const failingUserSet: PropertyOverride = withUsers((users) => [
  ...users,
  added('rehearsal_ok', `${REHEARSAL_SCHEMA}.*`),
  added('rehearsal_fails', 'rehearsal_missing.absent_table'),
]);
