import type { Connection, RowDataPacket } from 'mysql2/promise';
import { createConnection } from '../client/create-connection';
import { IamLoginRefusedError } from '../client/client-errors';
import type { RunningEmulator } from '../emulator';
import { connectAsMaster } from '../provisioning/master-connection';
import { convergeUsers } from '../provisioning/converge-users';
import type { DatabaseUserSpec } from '../users/database-user-spec';

/** Every account and privilege of a server, one sorted line each: two snapshots compare as text. */
export type AccountSnapshot = readonly string[];

/** Account-changing statements, by the server's own counters (MariaDB and MySQL alike). */
const ACCOUNT_STATEMENT_COUNTERS = ['Com_create_user', 'Com_alter_user', 'Com_grant', 'Com_revoke', 'Com_revoke_all', 'Com_drop_user', 'Com_rename_user'];

/** A master session on the emulator, TLS verified against its CA and endpoint name. */
export function openMasterSession(server: RunningEmulator): Promise<Connection> {
  return connectAsMaster({
    host: server.host,
    port: server.port,
    servername: server.endpointHost,
    user: server.adminUser,
    password: server.adminPassword,
    ca: server.caPem,
    retryForMs: 0,
    connectTimeoutMs: 10_000,
  });
}

/** How many account-changing statements the server has run since it started. */
export async function accountStatementCount(server: RunningEmulator): Promise<number> {
  const session = await openMasterSession(server);
  try {
    const [rows] = await session.query<RowDataPacket[]>('SHOW GLOBAL STATUS WHERE Variable_name IN (?)', [ACCOUNT_STATEMENT_COUNTERS]);
    return rows.reduce((sum, row) => sum + Number(row.Value), 0);
  } finally {
    await session.end();
  }
}

/** Accounts (name, host, plugin, TLS requirement) and every privilege row, except the master user's. */
export async function accountSnapshot(server: RunningEmulator): Promise<AccountSnapshot> {
  const session = await openMasterSession(server);
  try {
    const [users] = await session.query<RowDataPacket[]>(
      "SELECT CONCAT('user ', User, '@', Host, ' ', plugin, ' ssl=', ssl_type) AS line FROM mysql.user WHERE User <> ?",
      [server.adminUser],
    );
    const [privileges] = await session.query<RowDataPacket[]>(
      `SELECT CONCAT('grant ', GRANTEE, ' ', PRIVILEGE_TYPE, ' on *.*', IF(IS_GRANTABLE = 'YES', ' grantable', '')) AS line FROM information_schema.USER_PRIVILEGES
       UNION ALL SELECT CONCAT('grant ', GRANTEE, ' ', PRIVILEGE_TYPE, ' on ', TABLE_SCHEMA, '.*') FROM information_schema.SCHEMA_PRIVILEGES
       UNION ALL SELECT CONCAT('grant ', GRANTEE, ' ', PRIVILEGE_TYPE, ' on ', TABLE_SCHEMA, '.', TABLE_NAME) FROM information_schema.TABLE_PRIVILEGES
       UNION ALL SELECT CONCAT('grant ', GRANTEE, ' ', PRIVILEGE_TYPE, ' on ', TABLE_SCHEMA, '.', TABLE_NAME, '(', COLUMN_NAME, ')') FROM information_schema.COLUMN_PRIVILEGES`,
    );
    const master = `'${server.adminUser}'@`;
    return [...users, ...privileges]
      .map((row) => String(row.line))
      .filter((line) => !line.startsWith(`grant ${master}`))
      .sort();
  } finally {
    await session.end();
  }
}

/** Lines in `after` not in `before` (`+ …`) and in `before` not in `after` (`- …`). */
export function snapshotDifference(before: AccountSnapshot, after: AccountSnapshot): string[] {
  const was = new Set(before);
  const now = new Set(after);
  return [...after.filter((line) => !was.has(line)).map((line) => `+ ${line}`), ...before.filter((line) => !now.has(line)).map((line) => `- ${line}`)];
}

export interface VerifyOptions {
  /**
   * Log in as at most this many users, spread evenly over the set (the first and the last among them); the planner
   * still compares every user and grant.
   * @default - every user
   */
  readonly loginSample?: number;
}

/**
 * Checks the database holds the declaration: every user (or a sample) logs in with an IAM token over verified TLS
 * (through this package's own client), and the planner finds nothing left to change (same users, plugin, TLS, grants).
 * @returns one line per problem; empty when the database matches.
 */
export async function verifyDeclaredUsers(server: RunningEmulator, users: readonly DatabaseUserSpec[], options: VerifyOptions = {}): Promise<string[]> {
  const problems: string[] = [];
  const direct = directLogin(server);
  for (const user of evenSample(users, options.loginSample)) {
    const problem = await loginProblem(direct, user.username);
    if (problem !== undefined) problems.push(problem);
  }
  const session = await openMasterSession(server);
  try {
    const result = await convergeUsers(session, { desired: users, previous: users, operation: 'converge', masterUsername: server.adminUser, dryRun: true });
    for (const statement of result.plan.statements) problems.push(`not as declared, the next deploy would run: ${statement.sql}`);
  } catch (error) {
    problems.push(`the declared users cannot be compared with the database: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`);
  } finally {
    await session.end();
  }
  return problems;
}

/** Where an IAM login goes and what it signs its token for: the database itself, or a proxy in front of it. */
export interface LoginTarget {
  /** The loopback address the bytes go to. */
  readonly host: string;
  readonly port: number;
  /** `<host>:<port>` the token is signed for and TLS verifies. */
  readonly endpoint: string;
  readonly region: string;
  readonly caPem: string;
  /** The emulated account's test credentials, which sign the token. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Why the target refused the last login of `username`, when it can say more than the server's error. */
  readonly refusalOf?: (username: string) => string | undefined;
}

/** The server itself, as a client reaches the database's endpoint. */
export function directLogin(server: RunningEmulator): LoginTarget {
  return {
    host: server.host,
    port: server.port,
    endpoint: server.endpoint,
    region: server.region,
    caPem: server.caPem,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey, sessionToken: server.sessionToken },
  };
}

/**
 * Logs in as `username` with an IAM token over verified TLS (through this package's own client) and checks
 * CURRENT_USER().
 * @returns the problem (bounded, never the token), or undefined when the login worked.
 */
export async function loginProblem(target: LoginTarget, username: string): Promise<string | undefined> {
  try {
    const connection = await createConnection({
      host: target.host,
      port: target.port,
      endpoint: target.endpoint,
      user: username,
      region: target.region,
      credentials: target.credentials,
      ca: target.caPem,
    });
    try {
      const [rows] = await connection.query<RowDataPacket[]>('SELECT CURRENT_USER() AS user');
      return String(rows[0]?.user) === `${username}@%` ? undefined : `${username} logged in as ${String(rows[0]?.user).slice(0, 100)}`;
    } finally {
      await connection.end();
    }
  } catch (error) {
    const refusal = target.refusalOf?.(username);
    const cause = `${serverWords(error).slice(0, 200)}${refusal === undefined ? '' : ` (${refusal.slice(0, 200)})`}`;
    return `${username} cannot log in with an IAM token: ${cause}`;
  }
}

/**
 * What the server said of a failed login: the driver's message under the client's explanation of a refused token
 * (the rehearsal states its own cause, the proxy's reason, beside it), else the error's message.
 */
function serverWords(error: unknown): string {
  if (error instanceof IamLoginRefusedError && error.cause instanceof Error) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** At most `size` items spread evenly over `items`, the first and the last included; all of them without a size. */
export function evenSample<T>(items: readonly T[], size: number | undefined): readonly T[] {
  if (size === undefined || items.length <= size) return items;
  if (size <= 1) return items.slice(0, size);
  return Array.from({ length: size }, (_, index) => items[Math.round((index * (items.length - 1)) / (size - 1))]);
}

/** Problems when any of `usernames` still exists on the server. */
export async function verifyUsersAbsent(server: RunningEmulator, usernames: readonly string[]): Promise<string[]> {
  if (usernames.length === 0) return [];
  const session = await openMasterSession(server);
  try {
    const [rows] = await session.query<RowDataPacket[]>("SELECT User AS user FROM mysql.user WHERE Host = '%' AND User IN (?)", [usernames]);
    return rows.map((row) => `${String(row.user)} still exists after it was removed`);
  } finally {
    await session.end();
  }
}
