import { HostnameMismatchError, ClientOptionsError } from '../../lib/client/client-errors';
import { parseRdsEndpoint, resolveConnectionTarget } from '../../lib/client/rds-endpoint';

describe('parseRdsEndpoint', () => {
  it.each([
    ['mydb.abc123xyz.us-east-1.rds.amazonaws.com', 'us-east-1', 'aws', 'instance'],
    ['orders.cluster-abc123xyz.eu-west-1.rds.amazonaws.com', 'eu-west-1', 'aws', 'cluster-writer'],
    ['orders.cluster-ro-abc123xyz.eu-west-1.rds.amazonaws.com', 'eu-west-1', 'aws', 'cluster-reader'],
    ['analytics.cluster-custom-abc123xyz.eu-west-1.rds.amazonaws.com', 'eu-west-1', 'aws', 'cluster-custom'],
    ['orders-proxy.proxy-abc123xyz.ap-southeast-2.rds.amazonaws.com', 'ap-southeast-2', 'aws', 'proxy'],
    ['readers.endpoint.proxy-abc123xyz.ap-southeast-2.rds.amazonaws.com', 'ap-southeast-2', 'aws', 'proxy-endpoint'],
    ['mydb.abc123xyz.cn-north-1.rds.amazonaws.com.cn', 'cn-north-1', 'aws-cn', 'instance'],
    ['mydb.abc123xyz.us-gov-west-1.rds.amazonaws.com', 'us-gov-west-1', 'aws-us-gov', 'instance'],
    ['mydb.abc123xyz.us-iso-east-1.rds.c2s.ic.gov', 'us-iso-east-1', 'aws-iso', 'instance'],
    ['MyDB.ABC123XYZ.US-EAST-1.RDS.AMAZONAWS.COM.', 'us-east-1', 'aws', 'instance'],
  ])('recognizes %s as %s (%s, %s)', (hostname, region, partition, kind) => {
    expect(parseRdsEndpoint(hostname)).toEqual({ hostname: hostname.toLowerCase().replace(/\.$/, ''), region, partition, kind });
  });

  it.each([
    ['db.example.com', 'a CNAME'],
    ['localhost', 'a tunnel'],
    ['10.0.0.12', 'an IP address'],
    ['mydb.abc.cn-north-1.rds.amazonaws.com', 'a China region under the global suffix'],
    ['mydb.abc.us-east-1.rds.amazonaws.com.cn', 'a global region under the China suffix'],
    ['mydb.abc.us-east-1.rds.amazonaws.com.evil.example', 'a look-alike with a longer suffix'],
    ['us-east-1.rds.amazonaws.com', 'a bare service name'],
  ])('does not recognize %s (%s)', (hostname) => {
    expect(parseRdsEndpoint(hostname)).toBeUndefined();
  });
});

describe('resolveConnectionTarget (the hostname guard)', () => {
  it('signs for and connects to an RDS endpoint given as host', () => {
    const target = resolveConnectionTarget({ host: 'mydb.abc123xyz.us-east-1.rds.amazonaws.com', port: 3307 });

    expect(target).toMatchObject({
      connectHost: 'mydb.abc123xyz.us-east-1.rds.amazonaws.com',
      connectPort: 3307,
      endpointHost: 'mydb.abc123xyz.us-east-1.rds.amazonaws.com',
      endpointPort: 3307,
      rds: { region: 'us-east-1' },
    });
  });

  it('connects through a tunnel but signs for the named endpoint and its port', () => {
    const target = resolveConnectionTarget({
      host: '127.0.0.1',
      port: 13306,
      endpoint: 'mydb.abc123xyz.us-east-1.rds.amazonaws.com:3306',
    });

    expect(target).toMatchObject({
      connectHost: '127.0.0.1',
      connectPort: 13306,
      endpointHost: 'mydb.abc123xyz.us-east-1.rds.amazonaws.com',
      endpointPort: 3306,
    });
  });

  it('accepts an explicitly named non-RDS endpoint, as for the local emulator', () => {
    const target = resolveConnectionTarget({ host: '127.0.0.1', port: 40000, endpoint: 'localhost:40000' });

    expect(target).toEqual({ connectHost: '127.0.0.1', connectPort: 40000, endpointHost: 'localhost', endpointPort: 40000, rds: undefined });
  });

  it.each([
    ['10.0.0.12', 'is an IP address'],
    ['localhost', 'is localhost'],
    ['db.example.com', 'is not an RDS endpoint'],
  ])('refuses host %s without an endpoint, naming the host and the fix', (host, reason) => {
    const attempt = () => resolveConnectionTarget({ host });

    expect(attempt).toThrow(HostnameMismatchError);
    expect(attempt).toThrow(reason);
    expect(attempt).toThrow(/Fix: pass endpoint/);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: 'RDS_IAM_HOSTNAME_MISMATCH', message: expect.stringContaining(JSON.stringify(host)) });
    }
  });

  it('refuses to sign for an IP address even when it is named as the endpoint', () => {
    expect(() => resolveConnectionTarget({ host: 'localhost', endpoint: '10.0.0.12:3306' })).toThrow(HostnameMismatchError);
  });

  it.each([0, 70000, 3306.5])('refuses port %p', (port) => {
    expect(() => resolveConnectionTarget({ host: 'mydb.abc.us-east-1.rds.amazonaws.com', port })).toThrow(ClientOptionsError);
  });
});
