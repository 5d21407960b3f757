import { DatabaseIamAuthProperty } from '../constructs/database-iam-auth-properties';
import type { RunningEmulator } from '../emulator';
import type { AwsValueShapes } from './aws-value-shapes';
import type { AssemblyStack } from './cloud-assembly';
import { isCustomResourceType } from './cloudformation-template';
import type { PseudoParameters } from './intrinsic-functions';
import { simulateDatabase, type RdsEngineName, type SimulatedDatabase } from './simulated-database';

/** The databases a stack deals with, each simulated on a server. */
export interface StackDatabases {
  /** Clusters and instances the template creates, by logical id. */
  readonly created: Map<string, SimulatedDatabase>;
  /** Databases that exist before the stack (taken by identifier, e.g. by `ExistingIamAuthDatabase`), by identifier. */
  readonly existing: Map<string, SimulatedDatabase>;
}

/**
 * Finds the template's `AWS::RDS::DBCluster` and `AWS::RDS::DBInstance` resources and the existing databases its
 * custom resources name (`Kind` and `Identifier`), and simulates each on `server`. A database the stack creates
 * starts with IAM authentication as the template sets it; an existing one starts with it off, so the deploy has to
 * turn it on.
 */
export function stackDatabases(stack: AssemblyStack, pseudo: PseudoParameters, shapes: AwsValueShapes, server: RunningEmulator): StackDatabases {
  const location = { partition: pseudo.partition, region: pseudo.region, accountId: pseudo.accountId };
  const created = new Map<string, SimulatedDatabase>();
  const existing = new Map<string, SimulatedDatabase>();
  for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::RDS::DBCluster' || resource.Type === 'AWS::RDS::DBInstance') {
      const kind = resource.Type === 'AWS::RDS::DBCluster' ? 'cluster' : 'instance';
      const given = kind === 'cluster' ? properties.DBClusterIdentifier : properties.DBInstanceIdentifier;
      const identifier = typeof given === 'string' ? given.toLowerCase() : shapes.generatedName(pseudo.stackName, logicalId, { maxLength: 63, lowerCase: true });
      created.set(
        logicalId,
        simulateDatabase({
          kind,
          identifier,
          engine: rdsEngine(properties.Engine),
          server,
          iamAuthEnabled: properties.EnableIAMDatabaseAuthentication === true || properties.EnableIAMDatabaseAuthentication === 'true',
          location,
          shapes,
        }),
      );
    } else if (isCustomResourceType(resource.Type)) {
      const kind = properties[DatabaseIamAuthProperty.Kind];
      const identifier = properties[DatabaseIamAuthProperty.Identifier];
      if ((kind === 'cluster' || kind === 'instance') && typeof identifier === 'string') {
        const engine = properties[DatabaseIamAuthProperty.Engine] === 'mariadb' ? 'mariadb' : kind === 'cluster' ? 'aurora-mysql' : 'mysql';
        existing.set(identifier, simulateDatabase({ kind, identifier, engine, server, iamAuthEnabled: false, location, shapes }));
      }
    }
  }
  return { created, existing };
}

function rdsEngine(engine: unknown): RdsEngineName {
  return engine === 'mariadb' ? 'mariadb' : engine === 'mysql' ? 'mysql' : 'aurora-mysql';
}
