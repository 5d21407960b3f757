/**
 * Test helpers around the local RDS IAM-auth emulator: one server per engine per test file, real tokens from
 * @aws-sdk/rds-signer, and mysql2 connections over verified TLS. Every emulator-backed suite runs on every engine:
 *
 *   describeEachEngine('logins', (engine) => {
 *     const emulator = useEmulator({ engine });
 *     it('logs in', async () => {
 *       const admin = await connectAsAdmin(emulator());
 *       await createIamUser(admin, 'app_rw');
 *       const app = await connectWithToken(emulator(), 'app_rw', await mintToken(emulator(), 'app_rw'));
 *     });
 *   });
 */
import { Signer } from '@aws-sdk/rds-signer';
import { createConnection, type Connection, type SslOptions } from 'mysql2/promise';
import { EMULATOR_ENGINES, startEmulator, type EmulatorEngine, type EmulatorOptions, type RunningEmulator } from '../../lib/emulator';

/** The engine matrix: every emulator-backed suite runs once on each (MySQL is never skipped: a missing server fails). */
export const ENGINES: readonly EmulatorEngine[] = EMULATOR_ENGINES;

/**
 * Declares the same tests once per engine, in a describe block titled `<title> on <engine>`. The body declares its
 * own emulator (`useEmulator({ engine })`), so each engine gets one server per file, started before its block and
 * stopped after it: never both at once.
 */
export function describeEachEngine(title: string, body: (engine: EmulatorEngine) => void): void {
  describe.each(ENGINES.map((engine) => [engine] as const))(`${title} on %s`, body);
}

/**
 * Starts one emulator for the calling describe block or file (in beforeAll) and stops it in afterAll.
 * Each file gets its own server, so files can run in parallel Jest workers without sharing state.
 * @returns a getter for the running emulator, usable inside tests and hooks.
 */
export function useEmulator(options?: EmulatorOptions): () => RunningEmulator {
  let emulator: RunningEmulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator(options);
  });
  afterAll(async () => {
    await emulator?.stop();
  });
  return () => {
    if (emulator === undefined) throw new Error('the emulator is not running yet: call the getter inside a test or hook');
    return emulator;
  };
}

/**
 * Makes one IAM user on a running emulator (from {@link useEmulator}) before the suite, allowed to read `mysql.*` so
 * a login can be checked with a query; the master connection that made it is closed at once.
 */
export function useIamUser(emulator: () => RunningEmulator, username: string): void {
  beforeAll(async () => {
    const admin = await connectAsAdmin(emulator());
    try {
      await createIamUser(admin, username);
      await admin.query("GRANT SELECT ON mysql.* TO ?@'%'", [username]);
    } finally {
      await admin.end();
    }
  });
}

/** Key pair a token is signed with. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** What to sign a token for, when not exactly what the emulator expects. */
export interface MintTokenOptions {
  /**
   * Sign as if the clock said this: a token signed 16 minutes ago is expired now, no waiting needed.
   * @default - now
   */
  readonly signedAt?: Date;
  /** @default - the emulator's endpointHost */
  readonly hostname?: string;
  /** @default - the emulator's port */
  readonly port?: number;
  /** @default - the emulator's region */
  readonly region?: string;
  /** @default - the emulator's test credentials (with its session token, if it has one) */
  readonly credentials?: SigningCredentials;
}

/** Every timer API Jest can fake except Date: signing in the past must not stop sockets and timeouts. */
const EVERYTHING_BUT_DATE = [
  'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame',
  'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval',
  'setTimeout', 'clearTimeout',
] as const;

/** A real IAM auth token from @aws-sdk/rds-signer, signed for the emulator unless told otherwise. */
export async function mintToken(emulator: RunningEmulator, username: string, options: MintTokenOptions = {}): Promise<string> {
  const signer = new Signer({
    credentials: options.credentials ?? {
      accessKeyId: emulator.accessKeyId,
      secretAccessKey: emulator.secretAccessKey,
      sessionToken: emulator.sessionToken,
    },
    hostname: options.hostname ?? emulator.endpointHost,
    port: options.port ?? emulator.port,
    region: options.region ?? emulator.region,
    username,
  });
  if (options.signedAt === undefined) return signer.getAuthToken();
  // The signer reads the clock through Date; faking only Date keeps every real timer and socket working.
  jest.useFakeTimers({ now: options.signedAt, doNotFake: [...EVERYTHING_BUT_DATE] });
  try {
    return await signer.getAuthToken();
  } finally {
    jest.useRealTimers();
  }
}

/** TLS options that verify the emulator's certificate: its test CA, and the host name. */
export function emulatorTls(emulator: RunningEmulator): SslOptions {
  return { ca: emulator.caPem, rejectUnauthorized: true, verifyIdentity: true };
}

/** How to open a connection with a token. */
export interface TokenConnectionOptions {
  /**
   * Set to false to connect without TLS (only to prove the server refuses it).
   * @default true
   */
  readonly tls?: boolean;
  /** @default - no default database */
  readonly database?: string;
}

/**
 * A mysql2 connection as an IAM user: the token goes out through mysql_clear_password, which mysql2 ≥ 3.22 sends
 * only when enabled explicitly (`enableCleartextPlugin`), over verified TLS unless `tls: false`.
 */
export function connectWithToken(
  emulator: RunningEmulator,
  username: string,
  token: string,
  options: TokenConnectionOptions = {},
): Promise<Connection> {
  return createConnection({
    host: emulator.host,
    port: emulator.port,
    user: username,
    password: token,
    database: options.database,
    ssl: options.tls === false ? undefined : emulatorTls(emulator),
    enableCleartextPlugin: true,
  });
}

/** A fresh token for username, then a connection with it. */
export async function connectAsIamUser(
  emulator: RunningEmulator,
  username: string,
  options: TokenConnectionOptions = {},
): Promise<Connection> {
  return connectWithToken(emulator, username, await mintToken(emulator, username), options);
}

/** A mysql2 connection as the emulator's master user (password auth, verified TLS). */
export function connectAsAdmin(emulator: RunningEmulator, options: { readonly database?: string } = {}): Promise<Connection> {
  return createConnection({
    host: emulator.host,
    port: emulator.port,
    user: emulator.adminUser,
    password: emulator.adminPassword,
    database: options.database,
    ssl: emulatorTls(emulator),
  });
}

/**
 * Creates an IAM user the way RDS documents it: `IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'`, with
 * `REQUIRE SSL` unless told otherwise. Grants are up to the caller.
 */
export async function createIamUser(
  admin: Connection,
  username: string,
  options: { readonly requireSsl?: boolean } = {},
): Promise<void> {
  const requirement = options.requireSsl === false ? 'NONE' : 'SSL';
  await admin.query(`CREATE USER ?@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE ${requirement}`, [username]);
}
