import type { RunningEmulator } from '../emulator';

/** `aurora-mysql`, `mysql` or `mariadb`: the engine names RDS reports. */
export type RdsEngineName = 'aurora-mysql' | 'mysql' | 'mariadb';

/**
 * One database as RDS would describe it, served by a local emulator. The template's `AWS::RDS::DBCluster` /
 * `DBInstance` attributes and the RDS API stand-in read the same record, so an endpoint change or a replacement is
 * one change here that both see.
 */
export interface SimulatedDatabase {
  readonly kind: 'cluster' | 'instance';
  readonly identifier: string;
  readonly engine: RdsEngineName;
  /** `cluster-…` or `db-…`. */
  readonly resourceId: string;
  readonly arn: string;
  /** Host name clients reach it by (the emulator's certificate names it). */
  endpointHost: string;
  readonly port: number;
  readonly masterUsername: string;
  /** The RDS-managed master secret (`rds!cluster-…` / `rds!db-…`). */
  readonly masterSecretArn: string;
  iamAuthEnabled: boolean;
  /** Describe calls left before a requested change of IAM authentication is applied. */
  pendingIamAuthChange: { readonly enable: boolean; describesLeft: number } | undefined;
  /** Its tags, as AddTagsToResource and RemoveTagsFromResource leave them. */
  readonly tags: Map<string, string>;
  readonly server: RunningEmulator;
}

/** The RDS-managed master secret's ARN: `arn:<partition>:secretsmanager:<region>:<account>:secret:rds!cluster-<uuid>-<6>`. */
export function rdsManagedSecretArn(
  location: { partition: string; region: string; accountId: string },
  kind: 'cluster' | 'instance',
  uuid: string,
  suffix: string,
): string {
  return `arn:${location.partition}:secretsmanager:${location.region}:${location.accountId}:secret:rds!${kind === 'cluster' ? 'cluster' : 'db'}-${uuid}-${suffix}`;
}

/** The JSON RDS writes into a managed master secret: the user name and password, nothing else. */
export function rdsManagedSecretString(database: SimulatedDatabase, password: string = database.server.adminPassword): string {
  return JSON.stringify({ username: database.masterUsername, password });
}

/** What a new simulated database is made from. */
export interface SimulatedDatabaseSpec {
  readonly kind: 'cluster' | 'instance';
  readonly identifier: string;
  readonly engine: RdsEngineName;
  readonly server: RunningEmulator;
  readonly iamAuthEnabled: boolean;
  readonly location: { readonly partition: string; readonly region: string; readonly accountId: string };
  /** Values shaped as RDS makes them, drawn for this database. */
  readonly shapes: {
    rdsResourceId(kind: 'cluster' | 'instance', purpose: string): string;
    uuid(purpose: string): string;
    secretArnSuffix(purpose: string): string;
  };
}

/** A database with a resource id, an ARN and an RDS-managed master secret, reached at the server's endpoint. */
export function simulateDatabase(spec: SimulatedDatabaseSpec): SimulatedDatabase {
  const { kind, identifier, location, shapes } = spec;
  return {
    kind,
    identifier,
    engine: spec.engine,
    resourceId: shapes.rdsResourceId(kind, identifier),
    arn: `arn:${location.partition}:rds:${location.region}:${location.accountId}:${kind === 'cluster' ? 'cluster' : 'db'}:${identifier}`,
    endpointHost: spec.server.endpointHost,
    port: spec.server.port,
    masterUsername: spec.server.adminUser,
    masterSecretArn: rdsManagedSecretArn(location, kind, shapes.uuid(`secret:${identifier}`), shapes.secretArnSuffix(identifier)),
    iamAuthEnabled: spec.iamAuthEnabled,
    pendingIamAuthChange: undefined,
    tags: new Map(),
    server: spec.server,
  };
}
