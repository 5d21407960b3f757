import type { SessionEvent } from './proxy-session';

/** How many client connections the proxy served, and how. */
export interface EmulatorProxyCounts {
  /** Clients whose token was verified and who were logged in to the database. */
  readonly accepted: number;
  /** Clients refused: a token that failed verification, or a database that refused the proxy's login. */
  readonly refused: number;
  /** Connections that broke off (no TLS, a timeout, a protocol error). */
  readonly failed: number;
  /** Tokens the proxy signed for the database endpoint: one per database login, never reused. */
  readonly databaseTokensSigned: number;
}

/** A started emulator proxy: where it listens, what clients sign tokens for, and how to stop it. */
export interface RunningEmulatorProxy {
  /** The loopback address clients connect to (the bytes go here; tokens and TLS name {@link endpointHost}). */
  readonly host: string;
  readonly port: number;
  /** The proxy endpoint name, e.g. `orders-dev-proxy.proxy-c9akciq32xyz.eu-west-1.rds.amazonaws.com`. */
  readonly endpointHost: string;
  /** The port tokens are signed for: 3306, as RDS Proxy listens on. */
  readonly endpointPort: number;
  /** `${endpointHost}:${endpointPort}`, what clients pass as `endpoint` (or `--hostname`/`--port` with `--via`). */
  readonly endpoint: string;
  readonly region: string;
  /** PEM file of the proxy's own test CA (RDS Proxy's certificates come from another CA than the database's). */
  readonly caFile: string;
  readonly caPem: string;
  counts(): EmulatorProxyCounts;
  /** The latest events, oldest first (at most 500): who was accepted or refused and why, never a token. */
  events(): readonly SessionEvent[];
  /** Stops accepting, cuts every session and removes the proxy's directory. Idempotent. */
  stop(): Promise<void>;
}
