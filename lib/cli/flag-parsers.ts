import { InvalidArgumentError } from 'commander';
import { ClientOptionsError } from '../client/client-errors';
import { isTcpPort, splitHostAndPort } from '../client/host-and-port';
import { EMULATOR_ENGINES, type EmulatorEngine } from '../emulator/emulator-options';

/** Parses a TCP port flag, or tells commander why not. */
export function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || !isTcpPort(Number(value))) {
    throw new InvalidArgumentError('must be a port number from 1 to 65535');
  }
  return Number(value);
}

/** Parses `host` or `host:port` into its parts (the client's one parser), or tells commander why not. */
export function parseHostAndPort(value: string): { host: string; port?: number } {
  try {
    return splitHostAndPort(value, 'value');
  } catch (error) {
    if (error instanceof ClientOptionsError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

/** Parses an emulator `--engine` flag: `mysql` or `mariadb`. */
export function parseEngine(value: string): EmulatorEngine {
  const engine = EMULATOR_ENGINES.find((name) => name === value.trim().toLowerCase());
  if (engine === undefined) throw new InvalidArgumentError(`must be one of ${EMULATOR_ENGINES.join(', ')}`);
  return engine;
}

/** Parses a count flag (a whole number of at least 1), or tells commander why not. */
export function parseCount(value: string): number {
  if (!/^\d{1,9}$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return Number(value);
}
