import { InvalidArgumentError } from 'commander';
import { EMULATOR_ENGINES, type EmulatorEngine } from '../emulator/emulator-options';

/** Parses a TCP port flag, or tells commander why not. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new InvalidArgumentError('must be a port number from 1 to 65535');
  }
  return port;
}

/** Parses `host` or `host:port` into its parts, or tells commander why not. */
export function parseHostAndPort(value: string): { host: string; port?: number } {
  const match = /^(?<host>\[[^\]]+\]|[^:\s]+)(?::(?<port>\d+))?$/.exec(value.trim());
  if (!match?.groups) throw new InvalidArgumentError("must be 'host' or 'host:port'");
  const host = match.groups.host.replace(/^\[|\]$/g, '');
  return match.groups.port === undefined ? { host } : { host, port: parsePort(match.groups.port) };
}

/** Parses an emulator `--engine` flag: `mysql` or `mariadb`. */
export function parseEngine(value: string): EmulatorEngine {
  const engine = EMULATOR_ENGINES.find((name) => name === value.trim().toLowerCase());
  if (engine === undefined) throw new InvalidArgumentError(`must be one of ${EMULATOR_ENGINES.join(', ')}`);
  return engine;
}
