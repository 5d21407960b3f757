// An RDS Proxy stand-in on loopback: end-to-end IAM authentication in front of the emulator.
export { startEmulatorProxy } from './start-emulator-proxy';
export { rdsProxyEndpointHost } from './rds-proxy-endpoint';
export type { EmulatorProxyOptions } from './emulator-proxy-options';
export type { EmulatorProxyCounts, RunningEmulatorProxy } from './running-emulator-proxy';
export type { SessionEvent } from './proxy-session';
