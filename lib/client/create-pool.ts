import type { Pool, PoolOptions } from 'mysql2/promise';
import type { IamLoginRefusedError } from './client-errors';
import { iamConnectionOptions, type IamConnectionOptions } from './iam-connection-options';
import { isAccessDenied, refusedLoginError } from './refused-login';

/** Pool settings passed to mysql2 as they are. */
export type IamPoolSettings = Pick<
  PoolOptions,
  'connectionLimit' | 'maxIdle' | 'idleTimeout' | 'queueLimit' | 'waitForConnections' | 'enableKeepAlive' | 'keepAliveInitialDelay'
>;

/** Options of {@link createPool}. */
export interface IamPoolOptions extends IamConnectionOptions {
  /**
   * mysql2 pool settings.
   * @default - mysql2's defaults (10 connections, idle connections closed after 60 s)
   */
  readonly pool?: IamPoolSettings;
}

/**
 * A mysql2 (promise API) pool of IAM-authenticated connections. Every new physical connection asks the token
 * provider for a token, which signs a new one once the cached one is 10 minutes old, so the pool keeps opening
 * connections for days rather than failing when its first token expires. A login the database refuses rejects the
 * call that needed the connection (`query`, `execute`, `getConnection`) with {@link IamLoginRefusedError}.
 *
 * @example
 * const pool = createPool({ host: 'mycluster.cluster-abc123.eu-west-1.rds.amazonaws.com', user: 'app', database: 'shop' });
 * const [rows] = await pool.query('SELECT 1');
 */
export function createPool(options: IamPoolOptions): Pool {
  const { mysqlOptions, target, tokenProvider } = iamConnectionOptions(options);
  // Loaded here, not at import (a CDK app importing the package for its constructs never loads the driver);
  // synchronously, as a pool is returned at once.
  const { createPool: createMysqlPool } = require('mysql2/promise') as typeof import('mysql2/promise');
  const pool = createMysqlPool({ ...mysqlOptions, ...options.pool });
  // A refused login reaches the caller from the call that needed a new connection.
  const explain = (error: unknown): unknown =>
    isAccessDenied(error)
      ? refusedLoginError({ user: options.user, target, tokenAsked: undefined, region: options.region, signed: tokenProvider.lastTokenSigned }, error)
      : error;
  pool.query = rethrowing(pool.query.bind(pool), explain) as Pool['query'];
  pool.execute = rethrowing(pool.execute.bind(pool), explain) as Pool['execute'];
  pool.getConnection = rethrowing(pool.getConnection.bind(pool), explain);
  return pool;
}

/** The same method, rejecting with `explain(error)` instead of `error`. */
function rethrowing<A extends unknown[], R>(method: (...args: A) => Promise<R>, explain: (error: unknown) => unknown): (...args: A) => Promise<R> {
  return (...args: A) =>
    method(...args).catch((error: unknown) => {
      throw explain(error);
    });
}
