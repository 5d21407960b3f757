import type { EmulatorEngine } from './emulator-options';

/** A started emulator: where it listens, what tokens must be signed with, and how to stop it. */
export interface RunningEmulator {
  /** The server engine it runs. */
  readonly engine: EmulatorEngine;
  /** The server's version, e.g. `10.11.19-MariaDB-0+deb12u1` or `9.7.4`. */
  readonly serverVersion: string;
  /** What clients connect to: the server listens on this address only. */
  readonly host: string;
  readonly port: number;
  /** The host name tokens are signed for and the certificate names, e.g. `localhost`. */
  readonly endpointHost: string;
  /** `${endpointHost}:${port}`: what tokens must be signed for (the `--hostname`/`--port` of a token generator). */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The session token tokens must carry, when the emulator was started with temporary credentials. */
  readonly sessionToken: string | undefined;
  /** PEM file of the test CA that signed the server certificate. */
  readonly caFile: string;
  /** Contents of {@link caFile}. */
  readonly caPem: string;
  /** The master user, with what the RDS master user holds and nothing more. */
  readonly adminUser: string;
  readonly adminPassword: string;
  /** The server error log: one line per refused token, with the reason (never the token). Removed by stop(). */
  readonly errorLogFile: string;
  /** Process id of the server. */
  readonly pid: number;
  /** Settles when the server has exited: after stop(), or if it died. */
  readonly exited: Promise<void>;
  /** Kills the server by its pid and removes its directory. Idempotent. */
  stop(): Promise<void>;
}
