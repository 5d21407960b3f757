import { ClientOptionsError } from './client-errors';

/**
 * `host[:port]` and TCP ports, read in one place for the client options, the CLI's flags and the emulator's options.
 * Errors name the field, quote the value and say what would be accepted.
 */

/** Whether a number is a TCP port a server can listen on: an integer from 1 to 65535. */
export function isTcpPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** Checks a TCP port number, naming the field in the error. */
export function requirePort(port: number, field: string): number {
  if (!isTcpPort(port)) {
    throw new ClientOptionsError(`${field} ${JSON.stringify(port)} must be an integer from 1 to 65535`);
  }
  return port;
}

/** Checks that a host is given, naming the field in the error; returns it trimmed. */
export function requireHost(host: string, field: string): string {
  if (typeof host !== 'string' || host.trim() === '') {
    throw new ClientOptionsError(`${field} is required: the host name or address of the database`);
  }
  return host.trim();
}

/** Splits `host` or `host:port` (IPv6 literals in brackets, which are removed). */
export function splitHostAndPort(value: string, field: string): { host: string; port?: number } {
  const bracketed = /^\[(?<host>[^\]]+)\](?::(?<port>\d+))?$/.exec(value.trim());
  const plain = /^(?<host>[^:\s]+)(?::(?<port>\d+))?$/.exec(value.trim());
  const groups = bracketed?.groups ?? plain?.groups;
  if (!groups) {
    throw new ClientOptionsError(
      `${field} ${JSON.stringify(value.slice(0, 64))} must be 'host' or 'host:port', e.g. 'mydb.abc123.us-east-1.rds.amazonaws.com:3306'`,
    );
  }
  const host = requireHost(groups.host, field);
  return groups.port === undefined ? { host } : { host, port: requirePort(Number(groups.port), `${field} port`) };
}
