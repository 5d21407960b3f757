import { userSetOf } from '../assembly/user-set-objects';
import { encodeUserSpecs, ProvisionerProperty } from '../contracts/provisioner/provisioner-properties';
import { userSetDigest, userSetObjectKey, type UserSetObject } from '../contracts/provisioner/user-set-object';
import type { DatabaseUserSpec } from '../users/database-user-spec';
import type { PropertyOverride } from './simulated-stack';

/**
 * Edits of a provisioner resource's declared user set, as a developer's next commit would make them, for the
 * lifecycle's Updates. They go through the construct's own wire format (`encodeUserSpecs`), and keep the set where
 * the construct put it: inline in `Users`, or in an S3 object named by `UsersObject`, where the edited set becomes a
 * new content-addressed object (as the next `cdk deploy` would publish it) and the old one stays for a rollback.
 */

/** A database no declaration names, for the users the rehearsal adds. */
export const REHEARSAL_SCHEMA = 'rehearsal_db';

/** Where user set objects are kept: the rehearsal's S3. */
export interface UserSetObjectStore {
  putObject(bucket: string, key: string, text: string): void;
  objectText(bucket: string, key: string): string | undefined;
}

const added = (username: string, on: string): DatabaseUserSpec => ({
  username,
  grants: [{ on, privileges: ['SELECT'] }],
  requireSsl: true,
  removalPolicy: 'drop',
  adoptExistingUser: false,
});

export class DeclarationVariations {
  /**
   * One user removed (the first one declared with `drop`, so the Update drops it; one the stack keeps reachable, such
   * as a user an RDS Proxy lets through, only when no other is), one added, and one more privilege for another: every
   * kind of statement.
   */
  readonly changedUserSet: PropertyOverride = this.withUsers((users) => {
    const droppable = users.filter((user) => user.removalPolicy === 'drop');
    const removed = droppable.find((user) => !this.keep(user.username)) ?? droppable[0];
    const kept = users.filter((user) => user !== removed);
    const [first, ...rest] = kept;
    const widened = first === undefined ? [] : [{ ...first, grants: [...first.grants, { on: `${REHEARSAL_SCHEMA}.*`, privileges: ['SELECT'] }] }];
    return [...widened, ...rest, added('rehearsal_added', `${REHEARSAL_SCHEMA}.*`)];
  });

  /**
   * The users plus two new ones, the second granted on a table that does not exist: the server refuses that GRANT
   * after the statements before it ran, so the Create or Update fails half-way, as when a limit is hit mid-run.
   */
  readonly failingUserSet: PropertyOverride = this.withUsers((users) => [
    ...users,
    added('rehearsal_ok', `${REHEARSAL_SCHEMA}.*`),
    added('rehearsal_fails', 'rehearsal_missing.absent_table'),
  ]);

  /**
   * @param keep users the changing update should not remove when it can remove another.
   */
  constructor(
    private readonly objects: UserSetObjectStore,
    private readonly keep: (username: string) => boolean = () => false,
  ) {}

  /** The declared users of a provisioner resource's properties, inline or read from the object they name. */
  declaredUsers(properties: Readonly<Record<string, unknown>>): DatabaseUserSpec[] {
    const object = properties[ProvisionerProperty.UsersObject] as UserSetObject | undefined;
    const text = object === undefined ? undefined : this.objects.objectText(object.Bucket, object.Key);
    return userSetOf(properties, new Map(object === undefined || text === undefined ? [] : [[object.Key, text]]));
  }

  /** Replaces the declared set with an edit of it, where the properties keep it. */
  withUsers(edit: (users: DatabaseUserSpec[]) => DatabaseUserSpec[]): PropertyOverride {
    return (properties) => {
      const encoded = encodeUserSpecs(edit(this.declaredUsers(properties)));
      const object = properties[ProvisionerProperty.UsersObject] as UserSetObject | undefined;
      if (object === undefined) return { ...properties, [ProvisionerProperty.Users]: encoded };
      const sha256 = userSetDigest(encoded);
      const key = userSetObjectKey(sha256);
      this.objects.putObject(object.Bucket, key, encoded);
      return { ...properties, [ProvisionerProperty.UsersObject]: { Bucket: object.Bucket, Key: key, Sha256: sha256 } };
    };
  }
}
