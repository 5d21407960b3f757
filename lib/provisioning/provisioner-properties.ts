import { z } from 'zod';
import type { DatabaseEngineFamily, DatabaseUserSpec } from '../users/database-user-spec';

/**
 * The contract between the `DatabaseUserProvisioner` construct and the provisioner Lambda: the custom resource's
 * property names and the wire form of the user set. Both sides import this module, so they cannot drift apart.
 *
 * No secret ever travels here: only the master secret's ARN.
 */
export const ProvisionerProperty = {
  /** ARN of the Secrets Manager secret holding `username` and `password` of the master user. */
  MasterSecretArn: 'MasterSecretArn',
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
  /** The whole declared user set, encoded by {@link encodeUserSpecs}. */
  Users: 'Users',
} as const;

/** What the Lambda receives in `ResourceProperties` (CloudFormation passes every scalar as a string). */
export interface ProvisionerProperties {
  readonly [ProvisionerProperty.MasterSecretArn]: string;
  readonly [ProvisionerProperty.DatabaseResourceId]: string;
  readonly [ProvisionerProperty.Endpoint]: string;
  readonly [ProvisionerProperty.Port]: string;
  readonly [ProvisionerProperty.Engine]: DatabaseEngineFamily;
  readonly [ProvisionerProperty.Users]: string;
}

/**
 * Compact wire form of one user. One custom resource carries every user of a database, and an Update event carries
 * the new and the old set, within Lambda's 256 KB asynchronous payload: 1,000 users must fit twice.
 * Defaults are omitted: `s` is present only for `requireSsl: false`, `r` only for `retain`, `a` only for adoption.
 */
const wireUserSchema = z
  .object({
    u: z.string(),
    g: z.array(z.tuple([z.string(), z.string()])),
    s: z.literal(0).optional(),
    r: z.literal('retain').optional(),
    a: z.literal(1).optional(),
  })
  .strict();

type WireUser = z.infer<typeof wireUserSchema>;

export class ProvisionerPropertiesError extends Error {
  public readonly code = 'RDS_IAM_INVALID_PROVISIONER_PROPERTIES';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProvisionerPropertiesError';
  }
}

/** Encodes a user set for the custom resource, deterministically (same users → same string → no spurious update). */
export function encodeUserSpecs(users: readonly DatabaseUserSpec[]): string {
  const wire = users.map((user): WireUser => ({
    u: user.username,
    g: user.grants.map((grant) => [grant.on, grant.privileges.join(',')] as [string, string]),
    ...(user.requireSsl ? {} : { s: 0 as const }),
    ...(user.removalPolicy === 'retain' ? { r: 'retain' as const } : {}),
    ...(user.adoptExistingUser ? { a: 1 as const } : {}),
  }));
  return JSON.stringify(wire);
}

/** Decodes {@link encodeUserSpecs}' output; throws {@link ProvisionerPropertiesError} on anything else. */
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
      `property ${ProvisionerProperty.Users} does not match the user wire format: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data.map((user) => ({
    username: user.u,
    grants: user.g.map(([on, privileges]) => ({ on, privileges: privileges.split(',') })),
    requireSsl: user.s === undefined,
    removalPolicy: user.r ?? 'drop',
    adoptExistingUser: user.a === 1,
  }));
}
