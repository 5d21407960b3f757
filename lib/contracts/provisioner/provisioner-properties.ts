import { z } from 'zod';
import { listProblems } from '../../users/bounded-text';
import type { DatabaseEngineFamily, DatabaseUserSpec, UserGrant } from '../../users/database-user-spec';
import { RdsIamError } from '../../errors/rds-iam-error';
import type { UserSetObject } from './user-set-object';

/** The CloudFormation type of the one custom resource that carries every user of a database. */
export const PROVISIONER_RESOURCE_TYPE = 'Custom::RdsIamDatabaseUsers';

/**
 * The contract between the `DatabaseUserProvisioner` construct and the provisioner Lambda: the custom resource's
 * property names and the wire form of the user set. Both sides import this module, so they cannot drift apart.
 *
 * No secret ever travels here: only the master secret's ARN, or the name of the IAM admin user.
 */
export const ProvisionerProperty = {
  /**
   * ARN of the Secrets Manager secret holding `username` and `password` of the master user; absent when
   * `AdminIamUsername` is given.
   */
  MasterSecretArn: 'MasterSecretArn',
  /**
   * The database user the provisioner logs in as with an IAM auth token its own role signs, instead of the master
   * (no secret read at all); absent when `MasterSecretArn` is given. See `provisioner-login.ts`.
   */
  AdminIamUsername: 'AdminIamUsername',
  /**
   * The database's identity: the cluster resource id (`cluster-…`) or the instance's DbiResourceId (`db-…`). The
   * physical id follows it, so reaching the same database by another name never replaces the resource.
   */
  DatabaseResourceId: 'DatabaseResourceId',
  /** Writer endpoint host name of the cluster or instance. */
  Endpoint: 'Endpoint',
  Port: 'Port',
  /** `mysql` or `mariadb`: the dialect the declaration was validated against. */
  Engine: 'Engine',
  /** The whole declared user set, encoded by {@link encodeUserSpecs}; absent when `UsersObject` is given. */
  Users: 'Users',
  /**
   * Where the encoded set is when it is too large for the properties: `{ Bucket, Key, Sha256 }` of an S3 object
   * (see `user-set-object.ts`); absent when `Users` is given.
   */
  UsersObject: 'UsersObject',
} as const;

/** What the Lambda receives in `ResourceProperties` (CloudFormation passes every scalar as a string). */
export interface ProvisionerProperties {
  readonly [ProvisionerProperty.MasterSecretArn]?: string;
  readonly [ProvisionerProperty.AdminIamUsername]?: string;
  readonly [ProvisionerProperty.DatabaseResourceId]: string;
  readonly [ProvisionerProperty.Endpoint]: string;
  readonly [ProvisionerProperty.Port]: string;
  readonly [ProvisionerProperty.Engine]: DatabaseEngineFamily;
  readonly [ProvisionerProperty.Users]?: string;
  readonly [ProvisionerProperty.UsersObject]?: UserSetObject;
}

/** A grant on the wire: `[on, 'PRIV,PRIV']`. */
const wireGrantSchema = z.tuple([z.string(), z.string()]);
type WireGrant = z.infer<typeof wireGrantSchema>;

/**
 * Compact wire form of one user. One custom resource carries every user of a database, and an Update event carries
 * the new and the old set, within Lambda's 256 KB asynchronous payload: 1,000 users must fit twice.
 * Defaults are omitted: `s` is present only for `requireSsl: false`, `r` only for `retain`, `a` only for adoption.
 * The rare opt-in out of the least-privilege rules is spelled out (`allowPrivileged`), so a reviewer reading the
 * template finds it by name.
 *
 * This schema is the one encoding both sides share: the construct writes only what it accepts, and the Lambda reads
 * nothing else. Flags are exact literals: `"false"`, `0` for adoption or `1` for TLS are refused, never coerced.
 * Sets written by earlier versions (without `allowPrivileged`) still decode, as Update events carry them.
 */
const wireUserSchema = z
  .object({
    u: z.string(),
    g: z.array(wireGrantSchema),
    s: z.literal(0).optional(),
    r: z.literal('retain').optional(),
    a: z.literal(1).optional(),
    allowPrivileged: z.object({ reason: z.string(), grants: z.array(wireGrantSchema) }).strict().optional(),
  })
  .strict();

type WireUser = z.infer<typeof wireUserSchema>;

export class ProvisionerPropertiesError extends RdsIamError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RDS_IAM_INVALID_PROVISIONER_PROPERTIES', message, options);
    this.name = 'ProvisionerPropertiesError';
  }
}

const toWireGrants = (grants: readonly UserGrant[]): WireGrant[] => grants.map((grant) => [grant.on, grant.privileges.join(',')]);
const fromWireGrants = (grants: readonly WireGrant[]): UserGrant[] => grants.map(([on, privileges]) => ({ on, privileges: privileges.split(',') }));

/** Encodes a user set for the custom resource, deterministically (same users → same string → no spurious update). */
export function encodeUserSpecs(users: readonly DatabaseUserSpec[]): string {
  const wire = users.map((user): WireUser => ({
    u: user.username,
    g: toWireGrants(user.grants),
    ...(user.requireSsl ? {} : { s: 0 as const }),
    ...(user.removalPolicy === 'retain' ? { r: 'retain' as const } : {}),
    ...(user.adoptExistingUser ? { a: 1 as const } : {}),
    ...(user.allowPrivileged === undefined
      ? {}
      : { allowPrivileged: { reason: user.allowPrivileged.reason, grants: toWireGrants(user.allowPrivileged.grants) } }),
  }));
  return JSON.stringify(wire);
}

/** Decodes {@link encodeUserSpecs}' output; throws {@link ProvisionerPropertiesError} (bounded) on anything else. */
export function decodeUserSpecs(encoded: unknown): DatabaseUserSpec[] {
  if (typeof encoded !== 'string') {
    throw new ProvisionerPropertiesError(`property ${ProvisionerProperty.Users} must be a string, got ${typeof encoded}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(encoded);
  } catch (cause) {
    throw new ProvisionerPropertiesError(`property ${ProvisionerProperty.Users} is not valid JSON`, { cause });
  }
  const parsed = z.array(wireUserSchema).safeParse(json);
  if (!parsed.success) {
    throw new ProvisionerPropertiesError(
      `property ${ProvisionerProperty.Users} does not match the user wire format:\n${listProblems(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`))}`,
    );
  }
  return parsed.data.map((user) => ({
    username: user.u,
    grants: fromWireGrants(user.g),
    requireSsl: user.s === undefined,
    removalPolicy: user.r ?? 'drop',
    adoptExistingUser: user.a === 1,
    ...(user.allowPrivileged === undefined
      ? {}
      : { allowPrivileged: { reason: user.allowPrivileged.reason, grants: fromWireGrants(user.allowPrivileged.grants) } }),
  }));
}
