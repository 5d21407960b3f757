import { DescribeDBProxiesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { describeIamProxy, RDS_PROXY_MYSQL_PORT } from '../../lib/client/rds-proxy-lookup';

const rds = mockClient(RDSClient);
const client = new RDSClient({ region: 'eu-west-1' });
const ENDPOINT = 'orders-dev-proxy.proxy-c9akciq32xyz.eu-west-1.rds.amazonaws.com';

beforeEach(() => rds.reset());

describe('describeIamProxy', () => {
  it('returns the endpoint of a proxy with end-to-end IAM authentication, on the MySQL port', async () => {
    rds.on(DescribeDBProxiesCommand, { DBProxyName: 'orders-dev-proxy' }).resolves({
      DBProxies: [{ DBProxyName: 'orders-dev-proxy', Endpoint: ENDPOINT, EngineFamily: 'MYSQL', DefaultAuthScheme: 'IAM_AUTH', RequireTLS: true, Status: 'available' }],
    });

    expect(await describeIamProxy('orders-dev-proxy', client)).toEqual({
      name: 'orders-dev-proxy', endpoint: ENDPOINT, port: RDS_PROXY_MYSQL_PORT, defaultAuthScheme: 'IAM_AUTH', requireTls: true,
    });
  });

  it('accepts a proxy that takes IAM tokens from clients and a secret to the database (IAMAuth REQUIRED)', async () => {
    rds.on(DescribeDBProxiesCommand).resolves({
      DBProxies: [{ DBProxyName: 'legacy', Endpoint: ENDPOINT, EngineFamily: 'MYSQL', Auth: [{ AuthScheme: 'SECRETS', IAMAuth: 'REQUIRED' }] }],
    });

    expect(await describeIamProxy('legacy', client)).toMatchObject({ endpoint: ENDPOINT, defaultAuthScheme: 'NONE', requireTls: false });
  });

  it('checks the name before calling the API', async () => {
    await expect(describeIamProxy('-bad', client)).rejects.toMatchObject({ code: 'RDS_IAM_INVALID_CLIENT_OPTIONS' });
    expect(rds.calls()).toHaveLength(0);
  });

  it('says when the API answers with no proxy at all', async () => {
    rds.on(DescribeDBProxiesCommand).resolves({ DBProxies: [] });
    await expect(describeIamProxy('orders-dev-proxy', client)).rejects.toMatchObject({ code: 'RDS_IAM_DATABASE_NOT_FOUND' });
  });
});
