import type { Connection } from 'mysql2/promise';
import { iamConnectionOptions, type IamConnectionOptions } from './iam-connection-options';

/**
 * Opens one mysql2 (promise API) connection as an IAM database user: TLS verified against the RDS CA bundle (or the
 * given CA) and the endpoint name, a token signed for the real endpoint and sent only over that TLS.
 *
 * @example
 * const connection = await createConnection({ host: 'mydb.abc123.eu-west-1.rds.amazonaws.com', user: 'app_reader' });
 * const [rows] = await connection.query('SELECT CURRENT_USER()');
 */
export async function createConnection(options: IamConnectionOptions): Promise<Connection> {
  const mysqlOptions = iamConnectionOptions(options).mysqlOptions;
  // Loaded here, not at import: a CDK app importing the package for its constructs never loads the driver.
  const { createConnection: createMysqlConnection } = await import('mysql2/promise');
  return createMysqlConnection(mysqlOptions);
}
