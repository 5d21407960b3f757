// The local RDS IAM-auth emulator: real MariaDB or Oracle MySQL, real TLS, real IAM tokens verified by AWSAuthenticationPlugin.
export { startEmulator } from './start-emulator';
export type { RunningEmulator } from './running-emulator';
export { DEFAULT_TEST_CREDENTIALS, EMULATOR_ENGINES, type EmulatorEngine, type EmulatorOptions } from './emulator-options';
export { EmulatorError, type EmulatorErrorCode } from './emulator-error';
export { emulatorSummary, type EmulatorSummary } from './emulator-summary';
export { followPluginLog } from './error-log-follower';
export * from './proxy';
