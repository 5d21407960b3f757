import { DescribeDBProxiesCommand, type DBProxy, type RDSClient } from '@aws-sdk/client-rds';
import { dbProxyNameProblem } from '../proxy/db-proxy-name';
import { ClientOptionsError, DatabaseNotFoundError, IamAuthDisabledError } from './client-errors';

/**
 * Finds an RDS Proxy's endpoint through the RDS API (`DescribeDBProxies`) and checks that it takes IAM tokens from
 * MySQL clients, so callers name a proxy instead of copying its endpoint around.
 */

/** RDS Proxy listens on the MySQL port for every MySQL-family target; `DescribeDBProxies` reports no port. */
export const RDS_PROXY_MYSQL_PORT = 3306;

/** What a connection through the proxy needs to know. */
export interface IamProxy {
  readonly name: string;
  /** `<name>.proxy-<id>.<region>.rds.amazonaws.com`: what tokens are signed for and TLS is verified against. */
  readonly endpoint: string;
  readonly port: number;
  /** `IAM_AUTH` (end to end) or `NONE` (IAM from the client, a secret to the database). */
  readonly defaultAuthScheme: string;
  readonly requireTls: boolean;
}

/**
 * Looks the proxy up by name. Throws {@link DatabaseNotFoundError} when there is no such proxy or it has no endpoint
 * yet, {@link ClientOptionsError} for a bad name or a proxy of another engine family, and
 * {@link IamAuthDisabledError} (with the command that fixes it) when the proxy would refuse IAM tokens.
 */
export async function describeIamProxy(name: string, client: RDSClient): Promise<IamProxy> {
  const problem = dbProxyNameProblem(name);
  if (problem !== undefined) throw new ClientOptionsError(`--proxy: ${problem}`);
  const proxy = await findProxy(client, name);
  const what = `DB proxy ${JSON.stringify(name)}`;
  if (proxy.EngineFamily !== undefined && proxy.EngineFamily !== 'MYSQL') {
    throw new ClientOptionsError(
      `${what} fronts ${proxy.EngineFamily} databases; IAM MySQL users connect through a proxy of engine family MYSQL`,
    );
  }
  const defaultAuthScheme = proxy.DefaultAuthScheme ?? 'NONE';
  const iamFromClients = defaultAuthScheme === 'IAM_AUTH' || (proxy.Auth ?? []).some((auth) => auth.IAMAuth === 'REQUIRED' || auth.IAMAuth === 'ENABLED');
  if (!iamFromClients) {
    throw new IamAuthDisabledError(
      `${what} does not take IAM tokens (DefaultAuthScheme ${defaultAuthScheme}, no auth entry with IAMAuth REQUIRED), so it ` +
        'would refuse every one. Fix: turn on end-to-end IAM authentication (CDK: this project\'s IamAuthDatabaseProxy; ' +
        `CLI: aws rds modify-db-proxy --db-proxy-name ${name} --default-auth-scheme IAM_AUTH).`,
    );
  }
  if (proxy.Endpoint === undefined || proxy.Endpoint === '') {
    throw new DatabaseNotFoundError(`found no endpoint for ${what} (status ${proxy.Status ?? 'unknown'}): is it still being created?`);
  }
  return { name, endpoint: proxy.Endpoint, port: RDS_PROXY_MYSQL_PORT, defaultAuthScheme, requireTls: proxy.RequireTLS ?? false };
}

async function findProxy(client: RDSClient, name: string): Promise<DBProxy> {
  try {
    const { DBProxies } = await client.send(new DescribeDBProxiesCommand({ DBProxyName: name }));
    if (DBProxies?.[0] !== undefined) return DBProxies[0];
  } catch (cause) {
    if (!(cause instanceof Error && cause.name === 'DBProxyNotFoundFault')) throw cause;
    throw proxyNotFound(name, cause);
  }
  throw proxyNotFound(name);
}

function proxyNotFound(name: string, cause?: unknown): DatabaseNotFoundError {
  return new DatabaseNotFoundError(
    `found no DB proxy ${JSON.stringify(name)} in this account and region (is the stack that declares it deployed, and ` +
      'is --region the right one?)',
    { cause },
  );
}
