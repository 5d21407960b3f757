import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { startEmulator, type EmulatorEngine, type RunningEmulator } from '../../lib/emulator';
import { connectAsAdmin, connectAsIamUser } from '../support/emulator';
import { encodeUserSpecs, physicalResourceId } from '../../lib/contracts/provisioner';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { handler } from '../../lambda/provisioner';
import type { CloudFormationResponse } from '../../lambda/provisioner/cloudformation-response';
import { CLUSTER_RESOURCE_ID, PROVISIONER_FUNCTION_ARN, RDS_MANAGED_CLUSTER_SECRET_ARN, STACK_ID } from '../support/aws-shaped-values';
import { startResponseUrlServer, type ResponseUrlServer } from '../support/response-url-server';

/**
 * Drives the real provisioner handler against the emulator: CloudFormation-shaped events in, Secrets Manager
 * answered by aws-sdk-client-mock with the emulator's master credentials, every console line captured, and
 * logins as the provisioned users with real IAM tokens over verified TLS.
 */

/** The RDS-managed master secret's ARN, `!` and all, as RDS names it. */
export const SECRET_ARN = RDS_MANAGED_CLUSTER_SECRET_ARN;

/** The physical id of a deployed resource on the fixture's database. */
export const PHYSICAL_ID = physicalResourceId(CLUSTER_RESOURCE_ID);

/** What the handler PUT to the ResponseURL, parsed: the answer CloudFormation reads. */
export type DeliveredResponse = Omit<CloudFormationResponse, 'NoEcho' | 'Data'> & { readonly Data?: Record<string, number> };

export type RequestType = 'Create' | 'Update' | 'Delete';

export interface ProvisionerFixture {
  readonly emulator: RunningEmulator;
  /** A master connection for arranging and inspecting (not the one the handler uses). */
  readonly admin: Connection;
  readonly secretsManager: ReturnType<typeof mockClient>;
  /** Every line the handler printed, in order. */
  readonly logLines: string[];
  /** The stand-in ResponseURL host; its `received` holds every raw body. */
  readonly responses: ResponseUrlServer;
  /** Sends a request as CloudFormation does and returns what the handler PUT to its ResponseURL. */
  send(requestType: RequestType, users: readonly DatabaseUserSpec[], oldUsers?: readonly DatabaseUserSpec[], physicalResourceId?: string): Promise<DeliveredResponse>;
  sendRaw(event: Record<string, unknown>, remainingTimeMs?: number): Promise<DeliveredResponse>;
  properties(users: readonly DatabaseUserSpec[]): Record<string, string>;
  /** Logs in as an IAM user with a fresh token over TLS; the caller ends the connection. */
  loginAs(username: string): Promise<Connection>;
  /** Whether the IAM user can log in now (a token over TLS). */
  canLogIn(username: string): Promise<boolean>;
  /** Runs one statement as the user: `allowed`, `denied`, or the error code when the failure is something else. */
  attempt(username: string, sql: string): Promise<string>;
  stop(): Promise<void>;
}

/** A declared user with the defaults applied and no grants (the shared test builder). */
export { userSpec as user } from '../support/user-specs';

const DENIED_CODES = new Set(['ER_TABLEACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_SPECIFIC_ACCESS_DENIED_ERROR', 'ER_COLUMNACCESS_DENIED_ERROR']);

/** The fixture on an emulator of the engine; the custom resource declares the same engine, as a stack would. */
export async function startProvisionerFixture(engine: EmulatorEngine): Promise<ProvisionerFixture> {
  const emulator = await startEmulator({ engine });
  const admin = await connectAsAdmin(emulator);
  const responses = await startResponseUrlServer();
  responses.trustInProcess();
  const secretsManager = mockClient(SecretsManagerClient);
  secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({
    SecretString: JSON.stringify({ username: emulator.adminUser, password: emulator.adminPassword, engine }),
  });
  process.env.RDS_IAM_EXTRA_CA_PEM = emulator.caPem;
  const logLines: string[] = [];
  const consoleLog = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logLines.push(args.map(String).join(' '));
  });
  let requestCount = 0;

  const properties = (users: readonly DatabaseUserSpec[]): Record<string, string> => ({
    ServiceToken: PROVISIONER_FUNCTION_ARN,
    ServiceTimeout: '1080',
    MasterSecretArn: SECRET_ARN,
    DatabaseResourceId: CLUSTER_RESOURCE_ID,
    Endpoint: emulator.endpointHost,
    Port: String(emulator.port),
    Engine: engine,
    Users: encodeUserSpecs(users),
  });
  const sendRaw = async (event: Record<string, unknown>, remainingTimeMs = 300_000): Promise<DeliveredResponse> => {
    requestCount += 1;
    const requestId = `4e1f2a3b-5c6d-4e7f-8a9b-${String(requestCount).padStart(12, '0')}`;
    const deadline = Date.now() + remainingTimeMs;
    await handler(
      {
        RequestId: requestId,
        LogicalResourceId: 'DatabaseUsers',
        StackId: STACK_ID,
        ResourceType: 'Custom::RdsIamDatabaseUsers',
        ServiceToken: PROVISIONER_FUNCTION_ARN,
        ResponseURL: responses.urlFor(requestId),
        ...event,
      },
      { getRemainingTimeInMillis: () => deadline - Date.now() },
    );
    const delivered = responses.responseTo(requestId);
    if (delivered === undefined) throw new Error(`the handler answered nothing for ${requestId}`);
    return delivered as unknown as DeliveredResponse;
  };
  const loginAs = (username: string): Promise<Connection> => connectAsIamUser(emulator, username);

  return {
    emulator,
    admin,
    secretsManager,
    logLines,
    properties,
    sendRaw,
    responses,
    send: (requestType, users, oldUsers, physicalResourceId = PHYSICAL_ID) =>
      sendRaw({
        RequestType: requestType,
        ResourceProperties: properties(users),
        ...(requestType === 'Create' ? {} : { PhysicalResourceId: physicalResourceId }),
        ...(requestType === 'Update' ? { OldResourceProperties: properties(oldUsers ?? []) } : {}),
      }),
    loginAs,
    canLogIn: async (username) => {
      try {
        await (await loginAs(username)).end();
        return true;
      } catch {
        return false;
      }
    },
    attempt: async (username, sql) => {
      const connection = await loginAs(username);
      try {
        await connection.query(sql);
        return 'allowed';
      } catch (error) {
        const code = String((error as { code?: unknown }).code);
        return DENIED_CODES.has(code) ? 'denied' : code;
      } finally {
        await connection.end();
      }
    },
    stop: async () => {
      consoleLog.mockRestore();
      secretsManager.restore();
      delete process.env.RDS_IAM_EXTRA_CA_PEM;
      await responses.stop();
      await admin.end().catch(() => undefined);
      await emulator.stop();
    },
  };
}

/** Every privilege the server reports for the accounts, one sorted line each: the exact grant state to compare. */
export async function grantSnapshot(admin: Connection, usernames: readonly string[]): Promise<string[]> {
  const grantees = usernames.map((username) => `'${username}'@'%'`);
  const [rows] = await admin.query<RowDataPacket[]>(
    `SELECT GRANTEE AS g, '*' AS s, '*' AS t, PRIVILEGE_TYPE AS p, IS_GRANTABLE AS o FROM information_schema.USER_PRIVILEGES WHERE GRANTEE IN (?)
     UNION ALL SELECT GRANTEE, TABLE_SCHEMA, '*', PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE IN (?)
     UNION ALL SELECT GRANTEE, TABLE_SCHEMA, TABLE_NAME, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE IN (?)
     UNION ALL SELECT GRANTEE, TABLE_SCHEMA, CONCAT(TABLE_NAME, '(', COLUMN_NAME, ')'), PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.COLUMN_PRIVILEGES WHERE GRANTEE IN (?)`,
    [grantees, grantees, grantees, grantees],
  );
  const [accounts] = await admin.query<RowDataPacket[]>('SELECT User AS u, plugin, ssl_type FROM mysql.user WHERE Host = ? AND User IN (?)', ['%', usernames]);
  return [
    ...accounts.map((row) => `${row.u} plugin=${row.plugin} ssl=${row.ssl_type}`),
    ...rows.map((row) => `${row.g} ${row.s === '*' ? '*' : row.s}.${row.t} ${row.p}${row.o === 'YES' ? ' WITH GRANT OPTION' : ''}`),
  ].sort();
}

/** The handler's JSON log lines, parsed. */
export function logEntries(lines: readonly string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}
