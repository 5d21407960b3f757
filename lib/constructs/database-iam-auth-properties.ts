import { z } from 'zod';

/**
 * The contract between `ExistingIamAuthDatabase` and its Lambda (lambda/database-iam-auth): the custom resource's
 * property names, the attributes it returns and the physical id. Both sides import this module.
 */
/** The CloudFormation type of the custom resource that reads an existing database and enables IAM authentication. */
export const EXISTING_DATABASE_RESOURCE_TYPE = 'Custom::RdsIamAuthDatabase';

export const DatabaseIamAuthProperty = {
  /** `cluster` (DescribeDBClusters / ModifyDBCluster) or `instance` (DescribeDBInstances / ModifyDBInstance). */
  Kind: 'Kind',
  /** The DB cluster or DB instance identifier. */
  Identifier: 'Identifier',
  /** `mysql` or `mariadb`: what the users were validated against; the database's engine must match. */
  Engine: 'Engine',
  /** `true` to turn IAM authentication back off on deletion when it was off before. */
  RestoreOnDelete: 'RestoreOnDelete',
  /** `true` when the declaration names its own master secret, so no RDS-managed one is required. */
  MasterSecretDeclared: 'MasterSecretDeclared',
} as const;

/** Attributes of the custom resource (`getAtt`), read from the database at deploy time. */
export const DatabaseIamAuthAttribute = {
  /** `cluster-…` (DbClusterResourceId) or `db-…` (DbiResourceId). */
  ResourceId: 'ResourceId',
  Endpoint: 'Endpoint',
  Port: 'Port',
  /** ARN of the RDS-managed master secret, or an empty string when the database has none. */
  MasterSecretArn: 'MasterSecretArn',
} as const;

export type DatabaseKind = 'cluster' | 'instance';

const booleanString = z.enum(['true', 'false']).transform((value) => value === 'true');

/** `ResourceProperties` as CloudFormation delivers them (every scalar a string). */
export const databaseIamAuthPropertiesSchema = z.object({
  [DatabaseIamAuthProperty.Kind]: z.enum(['cluster', 'instance']),
  [DatabaseIamAuthProperty.Identifier]: z.string().min(1),
  [DatabaseIamAuthProperty.Engine]: z.enum(['mysql', 'mariadb']),
  [DatabaseIamAuthProperty.RestoreOnDelete]: booleanString,
  [DatabaseIamAuthProperty.MasterSecretDeclared]: booleanString,
});

export type DatabaseIamAuthProperties = z.infer<typeof databaseIamAuthPropertiesSchema>;

/**
 * DB identifiers as RDS accepts them: a letter, then letters, digits and hyphens, at most 63 characters, no two
 * hyphens in a row, no trailing hyphen.
 */
export const DB_IDENTIFIER_PATTERN = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)$/;

/**
 * The physical id remembers what the stack found, so a Delete can restore it without any other state:
 * `<kind>:<identifier>:iam-auth-was-<on|off>`. It stays the same across updates of the same database.
 */
export function formatPhysicalResourceId(kind: DatabaseKind, identifier: string, iamAuthWasOn: boolean): string {
  return `${kind}:${identifier}:iam-auth-was-${iamAuthWasOn ? 'on' : 'off'}`;
}

export function parsePhysicalResourceId(
  physicalResourceId: string,
): { kind: DatabaseKind; identifier: string; iamAuthWasOn: boolean } | undefined {
  const match = /^(cluster|instance):([^:]+):iam-auth-was-(on|off)$/.exec(physicalResourceId);
  if (match === null) return undefined;
  return { kind: match[1] as DatabaseKind, identifier: match[2], iamAuthWasOn: match[3] === 'on' };
}
