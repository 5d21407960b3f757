import type { EmulatorEngine } from './emulator-options';
import type { RunningEmulator } from './running-emulator';

/** What `npm run emulator` prints as its one JSON line: everything a client or a token generator needs. */
export interface EmulatorSummary {
  readonly engine: EmulatorEngine;
  readonly serverVersion: string;
  readonly host: string;
  readonly port: number;
  readonly endpoint: string;
  readonly endpointHost: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly caFile: string;
  readonly adminUser: string;
  readonly adminPassword: string;
  readonly errorLogFile: string;
  readonly pid: number;
}

export function emulatorSummary(emulator: RunningEmulator): EmulatorSummary {
  return {
    engine: emulator.engine,
    serverVersion: emulator.serverVersion,
    host: emulator.host,
    port: emulator.port,
    endpoint: emulator.endpoint,
    endpointHost: emulator.endpointHost,
    region: emulator.region,
    accessKeyId: emulator.accessKeyId,
    secretAccessKey: emulator.secretAccessKey,
    ...(emulator.sessionToken !== undefined ? { sessionToken: emulator.sessionToken } : {}),
    caFile: emulator.caFile,
    adminUser: emulator.adminUser,
    adminPassword: emulator.adminPassword,
    errorLogFile: emulator.errorLogFile,
    pid: emulator.pid,
  };
}
