import { z } from 'zod';

/**
 * The contract between `ExistingIamAuthDatabase` and its Lambda (lambda/existing-iam-auth-database): the custom
 * resource's type, property names and the attributes it returns. Both sides import this folder, which needs no
 * aws-cdk-lib.
 */

/** The CloudFormation type of the resource (a public contract: changing it would replace deployed resources). */
export const EXISTING_DATABASE_RESOURCE_TYPE = 'Custom::RdsIamAuthDatabase';

export const ExistingIamAuthDatabaseProperty = {
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
export const ExistingIamAuthDatabaseAttribute = {
  /** `cluster-…` (DbClusterResourceId) or `db-…` (DbiResourceId). */
  ResourceId: 'ResourceId',
  Endpoint: 'Endpoint',
  Port: 'Port',
  /** ARN of the RDS-managed master secret, or an empty string when the database has none. */
  MasterSecretArn: 'MasterSecretArn',
} as const;

export type DatabaseKind = 'cluster' | 'instance';

/** The attribute values the handlers answer with, by attribute name. */
export type ExistingIamAuthDatabaseAttributes = Record<(typeof ExistingIamAuthDatabaseAttribute)[keyof typeof ExistingIamAuthDatabaseAttribute], string>;

const booleanString = z.enum(['true', 'false']).transform((value) => value === 'true');

/** `ResourceProperties` as CloudFormation delivers them (every scalar a string). */
export const existingIamAuthDatabasePropertiesSchema = z.object({
  [ExistingIamAuthDatabaseProperty.Kind]: z.enum(['cluster', 'instance']),
  [ExistingIamAuthDatabaseProperty.Identifier]: z.string().min(1),
  [ExistingIamAuthDatabaseProperty.Engine]: z.enum(['mysql', 'mariadb']),
  [ExistingIamAuthDatabaseProperty.RestoreOnDelete]: booleanString,
  [ExistingIamAuthDatabaseProperty.MasterSecretDeclared]: booleanString,
});

export type ExistingIamAuthDatabaseProperties = z.infer<typeof existingIamAuthDatabasePropertiesSchema>;

/**
 * DB identifiers as RDS accepts them: a letter, then letters, digits and hyphens, at most 63 characters, no two
 * hyphens in a row, no trailing hyphen.
 */
export const DB_IDENTIFIER_PATTERN = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)$/;
