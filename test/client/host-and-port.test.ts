import { InvalidArgumentError } from 'commander';
import { ClientOptionsError } from '../../lib/client/client-errors';
import { isTcpPort, splitHostAndPort } from '../../lib/client/host-and-port';
import { parseHostAndPort, parsePort } from '../../lib/cli/flag-parsers';

describe('splitHostAndPort', () => {
  it.each([
    ['localhost', { host: 'localhost' }],
    ['localhost:3306', { host: 'localhost', port: 3306 }],
    ['[::1]:3306', { host: '::1', port: 3306 }],
  ])('splits %s', (endpoint, expected) => {
    expect(splitHostAndPort(endpoint, 'endpoint')).toEqual(expected);
  });

  it('refuses a URL, naming the accepted forms', () => {
    expect(() => splitHostAndPort('mysql://db:3306', 'endpoint')).toThrow(/must be 'host' or 'host:port'/);
  });
});

describe('the port range', () => {
  it.each([
    [1, true],
    [3306, true],
    [65535, true],
    [0, false],
    [65536, false],
    [3306.5, false],
    [-1, false],
  ])('%p is a TCP port: %p', (port, expected) => {
    expect(isTcpPort(port)).toBe(expected);
  });

  it('refuses a port out of range in host:port, naming the field', () => {
    expect(() => splitHostAndPort('orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com:70000', 'endpoint')).toThrow(
      new ClientOptionsError('endpoint port 70000 must be an integer from 1 to 65535'),
    );
  });
});

describe('the CLI flags read host[:port] and ports with the same rules', () => {
  it.each([
    ['orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com', { host: 'orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com' }],
    ['127.0.0.1:13306', { host: '127.0.0.1', port: 13306 }],
    ['[::1]:13306', { host: '::1', port: 13306 }],
  ])('--via %s', (value, expected) => {
    expect(parseHostAndPort(value)).toEqual(expected);
  });

  it.each(['127.0.0.1:0', '127.0.0.1:65536', 'mysql://127.0.0.1:3306', ''])('refuses --via %p as commander expects', (value) => {
    expect(() => parseHostAndPort(value)).toThrow(InvalidArgumentError);
  });

  it.each(['0', '65536', '33o6', '-1'])('refuses --port %p', (value) => {
    expect(() => parsePort(value)).toThrow(InvalidArgumentError);
  });
});
