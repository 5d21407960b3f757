import type { Connection } from 'mysql2/promise';
import type { IamLoginRefusedError } from './client-errors';
import { iamClearPasswordPlugin } from './iam-auth-plugin';
import { iamConnectionOptions, type IamConnectionOptions } from './iam-connection-options';
import { isAccessDenied, refusedLoginError } from './refused-login';

/**
 * Opens one mysql2 (promise API) connection as an IAM database user: TLS verified against the RDS CA bundle (or the
 * given CA) and the endpoint name, a token signed for the real endpoint and sent only over that TLS. A refused token
 * rejects with {@link IamLoginRefusedError} (`RDS_IAM_LOGIN_REFUSED`), which lists what RDS checks with this login's values.
 *
 * @example
 * const connection = await createConnection({ host: 'mydb.abc123.eu-west-1.rds.amazonaws.com', user: 'app_reader' });
 * const [rows] = await connection.query('SELECT CURRENT_USER()');
 */
export async function createConnection(options: IamConnectionOptions): Promise<Connection> {
  const { mysqlOptions, target, tokenProvider } = iamConnectionOptions(options);
  // Loaded here, not at import: a CDK app importing the package for its constructs never loads the driver.
  const { createConnection: createMysqlConnection } = await import('mysql2/promise');
  // Whether the server asked for the token tells a missing user from a refused token.
  let tokenAsked = false;
  const giveToken = () => {
    tokenAsked = true;
    return tokenProvider.getToken();
  };
  try {
    return await createMysqlConnection({ ...mysqlOptions, authPlugins: { mysql_clear_password: iamClearPasswordPlugin(giveToken) } });
  } catch (error) {
    if (!isAccessDenied(error)) throw error;
    throw refusedLoginError({ user: options.user, target, tokenAsked, region: options.region, signed: tokenProvider.lastTokenSigned }, error);
  }
}
