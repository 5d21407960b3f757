import { EmulatorError } from './emulator-error';

/** The server engines the emulator runs: MariaDB from Debian's packages, Oracle MySQL unpacked from Debian sid. */
export const EMULATOR_ENGINES = ['mariadb', 'mysql'] as const;
export type EmulatorEngine = (typeof EMULATOR_ENGINES)[number];

/** How to start an emulator; every field has a working default. */
export interface EmulatorOptions {
  /**
   * Which server to run: `mariadb` (Debian's MariaDB, RDS for MariaDB) or `mysql` (Oracle MySQL, RDS for MySQL and
   * Aurora MySQL), fetched into the user's cache by scripts/ensure-mysql-server.sh on first use.
   * @default 'mariadb'
   */
  readonly engine?: EmulatorEngine;
  /**
   * Host name tokens are signed for and the TLS certificate names (besides `localhost` and `127.0.0.1`).
   * @default 'localhost'
   */
  readonly endpointHost?: string;
  /**
   * Region of the credential scope tokens must carry.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * Access key id of the test credentials the plugin verifies signatures with.
   * @default DEFAULT_TEST_CREDENTIALS.accessKeyId
   */
  readonly accessKeyId?: string;
  /**
   * Secret of the test credentials.
   * @default DEFAULT_TEST_CREDENTIALS.secretAccessKey
   */
  readonly secretAccessKey?: string;
  /**
   * Makes the test credentials temporary: tokens must then carry exactly this `X-Amz-Security-Token`.
   * @default - none required; a token that carries one (signed with the key pair) is accepted
   */
  readonly sessionToken?: string;
  /**
   * How many seconds a token's `X-Amz-Date` may be ahead of the server's clock.
   * @default 300
   */
  readonly maxClockSkewSeconds?: number;
  /**
   * TCP port on 127.0.0.1.
   * @default - a free port
   */
  readonly port?: number;
  /**
   * Extra environment variables for the server process only, e.g. libfaketime's `LD_PRELOAD` and `FAKETIME` to move the
   * server's clock in a test (Jest hands tests a copy of process.env that child processes never see).
   * @default - none: the server inherits this process's environment
   */
  readonly serverEnvironment?: Readonly<Record<string, string>>;
}

/**
 * Fixed, obviously fake test credentials. They sign tokens only this emulator accepts.
 * (Not AWS's documentation example keys, so a test can never be mistaken for one using a real default profile.)
 */
export const DEFAULT_TEST_CREDENTIALS = {
  accessKeyId: 'AKIAEMULATORTESTKEY1',
  secretAccessKey: 'rdsIamMysqlEmulatorTestSecret/NotRealKey',
} as const;

/** Options with defaults applied and every value checked. */
export interface ResolvedEmulatorOptions {
  readonly engine: EmulatorEngine;
  readonly endpointHost: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string | undefined;
  readonly maxClockSkewSeconds: number;
  readonly port: number | undefined;
  readonly serverEnvironment: Readonly<Record<string, string>>;
}

const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const REGION = /^[a-z0-9]+(?:-[a-z0-9]+)+$/;
const ACCESS_KEY_ID = /^[A-Za-z0-9]{16,128}$/;
/** The plugin reads the key pair from a whitespace-separated file line. */
const SECRET = /^\S{1,200}$/;
const SESSION_TOKEN = /^\S{1,8000}$/;
const ENVIRONMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Applies defaults and validates.
 * @throws EmulatorError `EMULATOR_INVALID_OPTIONS` naming the option, the value (never a secret) and the fix.
 */
export function resolveEmulatorOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const resolved: ResolvedEmulatorOptions = {
    engine: options.engine ?? 'mariadb',
    endpointHost: options.endpointHost ?? 'localhost',
    region: options.region ?? 'us-east-1',
    accessKeyId: options.accessKeyId ?? DEFAULT_TEST_CREDENTIALS.accessKeyId,
    secretAccessKey: options.secretAccessKey ?? DEFAULT_TEST_CREDENTIALS.secretAccessKey,
    sessionToken: options.sessionToken,
    maxClockSkewSeconds: options.maxClockSkewSeconds ?? 300,
    port: options.port,
    serverEnvironment: options.serverEnvironment ?? {},
  };
  if (!(EMULATOR_ENGINES as readonly string[]).includes(resolved.engine)) {
    invalid(`engine '${String(resolved.engine).slice(0, 64)}' is not one of ${EMULATOR_ENGINES.join(', ')}`);
  }
  if (!HOST_NAME.test(resolved.endpointHost)) {
    invalid(`endpointHost '${resolved.endpointHost}' is not a host name: use letters, digits, dots and hyphens, e.g. 'localhost'`);
  }
  if (!REGION.test(resolved.region)) invalid(`region '${resolved.region}' is not an AWS region name like 'us-east-1'`);
  if (!ACCESS_KEY_ID.test(resolved.accessKeyId)) {
    invalid(`accessKeyId '${resolved.accessKeyId}' is not an access key id: 16 to 128 letters and digits, e.g. 'AKIA...'`);
  }
  if (!SECRET.test(resolved.secretAccessKey)) invalid('secretAccessKey must be 1 to 200 characters without white space');
  if (resolved.sessionToken !== undefined && !SESSION_TOKEN.test(resolved.sessionToken)) {
    invalid('sessionToken must be 1 to 8000 characters without white space');
  }
  if (!Number.isInteger(resolved.maxClockSkewSeconds) || resolved.maxClockSkewSeconds < 0 || resolved.maxClockSkewSeconds > 3600) {
    invalid(`maxClockSkewSeconds ${resolved.maxClockSkewSeconds} must be a whole number of seconds from 0 to 3600`);
  }
  if (resolved.port !== undefined && (!Number.isInteger(resolved.port) || resolved.port < 1 || resolved.port > 65535)) {
    invalid(`port ${resolved.port} must be a TCP port from 1 to 65535, or left out for a free one`);
  }
  for (const name of Object.keys(resolved.serverEnvironment)) {
    if (!ENVIRONMENT_NAME.test(name)) invalid(`serverEnvironment name '${name}' is not an environment variable name`);
  }
  return resolved;
}

function invalid(problem: string): never {
  throw new EmulatorError('EMULATOR_INVALID_OPTIONS', `EmulatorOptions.${problem}.`);
}
