import { connect as connectTcp, type Socket } from 'node:net';
import type { ConnectionOptions } from 'mysql2';
import { ClientOptionsError } from './client-errors';
import { iamClearPasswordPlugin } from './iam-auth-plugin';
import { IamTokenProvider, type IamSigningCredentials } from './iam-token-provider';
import { rdsCaCertificates } from './rds-ca-bundle';
import { resolveConnectionTarget, type ConnectionTarget } from './rds-endpoint';

/** mysql2 options this library sets itself, so they cannot be passed through. */
type ManagedOption =
  | 'host'
  | 'port'
  | 'user'
  | 'password'
  | 'password1'
  | 'password2'
  | 'password3'
  | 'passwordSha1'
  | 'database'
  | 'ssl'
  | 'stream'
  | 'socketPath'
  | 'uri'
  | 'authPlugins'
  | 'authSwitchHandler'
  | 'enableCleartextPlugin';

/** Any other mysql2 connection option (timeouts, `dateStrings`, `namedPlaceholders`, …). */
export type PassThroughMysqlOptions = Omit<ConnectionOptions, ManagedOption>;

/** How to reach an IAM-authenticated database and whose credentials sign the tokens. */
export interface IamConnectionOptions {
  /** Where to connect: the RDS endpoint, or a tunnel, IP address or CNAME when {@link endpoint} is given. */
  readonly host: string;
  /** @default 3306 */
  readonly port?: number;
  /** The IAM database user. */
  readonly user: string;
  /** @default - no default database */
  readonly database?: string;
  /**
   * The real endpoint, `host` or `host:port`, that tokens are signed for and the TLS certificate is verified
   * against; required when {@link host} is not itself an RDS endpoint (tunnel, IP, CNAME, the local emulator).
   * @default - `host` and `port`
   */
  readonly endpoint?: string;
  /**
   * Region of the database.
   * @default - read from the RDS endpoint name, else `AWS_REGION` / the AWS config file
   */
  readonly region?: string;
  /**
   * Credentials that sign the tokens.
   * @default - the default AWS credential chain
   */
  readonly credentials?: IamSigningCredentials;
  /**
   * Named AWS profile for credentials and region.
   * @default - `AWS_PROFILE` or `default`
   */
  readonly profile?: string;
  /**
   * PEM certificate authorities to verify the server with.
   * @default - the Amazon RDS CA bundle (every region, RDS Proxy included)
   */
  readonly ca?: string | readonly string[];
  /**
   * How long a signed token is reused for new connections before a new one is signed.
   * @default DEFAULT_TOKEN_REUSE_MS (10 of the token's 15 minutes)
   */
  readonly tokenReuseMs?: number;
  /**
   * Clock used to decide whether a cached token is still fresh, in epoch milliseconds.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * A token provider to share between connections and pools of the same user and endpoint.
   * @default - one provider per `createConnection` / `createPool` call
   */
  readonly tokenProvider?: IamTokenProvider;
  /**
   * Further mysql2 options, passed as they are.
   * @default - mysql2's defaults
   */
  readonly mysqlOptions?: PassThroughMysqlOptions;
}

/** mysql2 options ready to use, and the provider that signs their tokens. */
export interface ResolvedIamConnection {
  readonly mysqlOptions: ConnectionOptions;
  readonly tokenProvider: IamTokenProvider;
  readonly target: ConnectionTarget;
}

/**
 * Turns {@link IamConnectionOptions} into mysql2 options: TLS required and verified (CA chain and host name), the
 * token sent only through {@link iamClearPasswordPlugin}, a fresh or still-fresh token per physical connection.
 * Use it directly to hand IAM auth to anything that takes mysql2 options (Knex, TypeORM, Drizzle, Kysely).
 */
export function iamConnectionOptions(options: IamConnectionOptions): ResolvedIamConnection {
  if (typeof options.user !== 'string' || options.user === '') {
    throw new ClientOptionsError('user is required: the IAM database user to log in as');
  }
  const target = resolveConnectionTarget(options);
  const tokenProvider =
    options.tokenProvider ??
    new IamTokenProvider({
      hostname: target.endpointHost,
      port: target.endpointPort,
      username: options.user,
      region: options.region ?? target.rds?.region,
      credentials: options.credentials,
      profile: options.profile,
      reuseForMs: options.tokenReuseMs,
      now: options.now,
    });
  const ca = options.ca === undefined ? [...rdsCaCertificates()] : typeof options.ca === 'string' ? options.ca : [...options.ca];
  const mysqlOptions: ConnectionOptions = {
    ...options.mysqlOptions,
    // mysql2 takes the TLS server name and the identity check from `host`, so host is the endpoint name and the
    // socket to the real address (a tunnel, an IP) comes from the stream factory below.
    host: target.endpointHost,
    port: target.connectPort,
    user: options.user,
    database: options.database,
    ssl: { ca, rejectUnauthorized: true, verifyIdentity: true, minVersion: 'TLSv1.2' },
    authPlugins: { mysql_clear_password: iamClearPasswordPlugin(() => tokenProvider.getToken()) },
    ...(target.connectHost.toLowerCase() === target.endpointHost ? {} : { stream: () => openSocket(target) }),
  };
  return { mysqlOptions, tokenProvider, target };
}

function openSocket(target: ConnectionTarget): Socket {
  const socket = connectTcp({ host: target.connectHost, port: target.connectPort });
  // mysql2 sets TCP_NODELAY only on sockets it opens itself; handshakes are many small packets.
  socket.setNoDelay(true);
  return socket;
}
