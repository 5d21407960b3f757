import { isTcpPort } from '../../client/host-and-port';
import { parseRdsEndpoint } from '../../client/rds-endpoint';
import { EmulatorError } from '../emulator-error';
import type { RunningEmulator } from '../running-emulator';
import type { SessionEvent } from './proxy-session';
import { rdsProxyEndpointHost } from './rds-proxy-endpoint';

/** How to start a proxy in front of a running emulator. */
export interface EmulatorProxyOptions {
  /** The emulator the proxy logs in to, with its test credentials (one emulated account signs both sides). */
  readonly backend: RunningEmulator;
  /**
   * The proxy endpoint name: what clients sign tokens for and the proxy's certificate names.
   * @default 'emulator.proxy-c9akciq32xyz.<backend region>.rds.amazonaws.com'
   */
  readonly endpointHost?: string;
  /**
   * The port tokens are signed for.
   * @default 3306, the port RDS Proxy listens on
   */
  readonly endpointPort?: number;
  /**
   * TCP port on 127.0.0.1.
   * @default - a free port
   */
  readonly port?: number;
  /**
   * How many seconds a token's `X-Amz-Date` may be ahead of the proxy's clock.
   * @default 300
   */
  readonly maxClockSkewSeconds?: number;
  /**
   * How long a client may take from connecting to being logged in before the proxy closes the connection.
   * @default 10000
   */
  readonly handshakeTimeoutMs?: number;
  /**
   * The clock tokens are judged by, in epoch milliseconds.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * Receives each accepted, refused or failed connection as it happens (never a token).
   * @default - kept in `events()` only
   */
  readonly onEvent?: (event: SessionEvent) => void;
  /**
   * Whether the proxy's IAM role may `rds-db:connect` as the user on the database (`dbuser:<cluster or db resource
   * id>/<user>`), asked at each login: when not, the database refuses the proxy's login, as RDS refuses a token the
   * proxy's role may not use, and the client gets error 1045.
   * @default - every user (the proxy signs with the emulator's test key, which the database accepts for anyone)
   */
  readonly roleMayConnectAs?: (username: string) => boolean;
}

export interface ResolvedEmulatorProxyOptions {
  readonly backend: RunningEmulator;
  readonly endpointHost: string;
  readonly endpointPort: number;
  readonly port: number | undefined;
  readonly maxClockSkewSeconds: number;
  readonly handshakeTimeoutMs: number;
  readonly now: () => number;
  readonly onEvent: (event: SessionEvent) => void;
  readonly roleMayConnectAs: (username: string) => boolean;
}

const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

/**
 * Applies defaults and validates.
 * @throws EmulatorError `EMULATOR_INVALID_OPTIONS` naming the option, the value and the fix.
 */
export function resolveEmulatorProxyOptions(options: EmulatorProxyOptions): ResolvedEmulatorProxyOptions {
  const { backend } = options;
  const resolved: ResolvedEmulatorProxyOptions = {
    backend,
    endpointHost: (options.endpointHost ?? rdsProxyEndpointHost('emulator', backend.region)).toLowerCase(),
    endpointPort: options.endpointPort ?? 3306,
    port: options.port,
    maxClockSkewSeconds: options.maxClockSkewSeconds ?? 300,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    now: options.now ?? (() => Date.now()),
    onEvent: options.onEvent ?? (() => undefined),
    roleMayConnectAs: options.roleMayConnectAs ?? (() => true),
  };
  if (!HOST_NAME.test(resolved.endpointHost)) {
    invalid(`endpointHost '${resolved.endpointHost.slice(0, 64)}' is not a host name: use letters, digits, dots and hyphens, e.g. '${rdsProxyEndpointHost('orders-proxy', backend.region)}'`);
  }
  const region = parseRdsEndpoint(resolved.endpointHost)?.region;
  if (region !== undefined && region !== backend.region) {
    invalid(`endpointHost names region '${region}' but the emulator runs in '${backend.region}': clients sign for the region in the name, so use the emulator's`);
  }
  for (const [name, port] of [['endpointPort', resolved.endpointPort], ['port', resolved.port]] as const) {
    if (port !== undefined && !isTcpPort(port)) invalid(`${name} ${port} must be a TCP port from 1 to 65535`);
  }
  if (!Number.isInteger(resolved.maxClockSkewSeconds) || resolved.maxClockSkewSeconds < 0 || resolved.maxClockSkewSeconds > 3600) {
    invalid(`maxClockSkewSeconds ${resolved.maxClockSkewSeconds} must be a whole number of seconds from 0 to 3600`);
  }
  if (!Number.isInteger(resolved.handshakeTimeoutMs) || resolved.handshakeTimeoutMs < 1 || resolved.handshakeTimeoutMs > 600_000) {
    invalid(`handshakeTimeoutMs ${resolved.handshakeTimeoutMs} must be a whole number of milliseconds from 1 to 600000`);
  }
  return resolved;
}

function invalid(problem: string): never {
  throw new EmulatorError('EMULATOR_INVALID_OPTIONS', `EmulatorProxyOptions.${problem}.`);
}
