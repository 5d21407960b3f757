/**
 * Every stable code this project throws with, in one list: callers branch on these, the CLI maps them to exit
 * codes, and the provisioner reports them to CloudFormation. Grouped by the part that raises them.
 */
export const RDS_IAM_ERROR_CODES = [
  // Client runtime (lib/client)
  'RDS_IAM_TLS_REQUIRED',
  'RDS_IAM_HOSTNAME_MISMATCH',
  'RDS_IAM_INVALID_CLIENT_OPTIONS',
  'RDS_IAM_TOKEN_FAILED',
  'RDS_IAM_DATABASE_NOT_FOUND',
  'RDS_IAM_AUTH_DISABLED',
  'RDS_IAM_LOGIN_REFUSED',
  // Declarations (lib/users, app/environments, lib/constructs)
  'RDS_IAM_INVALID_USER_SPEC',
  'RDS_IAM_INVALID_GRANT_TARGET',
  'RDS_IAM_INVALID_DECLARATION',
  'RDS_IAM_UNKNOWN_ENVIRONMENT',
  'RDS_IAM_UNSUPPORTED_ENGINE_VERSION',
  // Planner (lib/planner)
  'RDS_IAM_USER_TAKEOVER_REFUSED',
  'RDS_IAM_UNEXPECTED_SERVER_STATE',
  // Provisioning against a live server (lib/provisioning)
  'RDS_IAM_INVALID_PROVISIONER_PROPERTIES',
  'RDS_IAM_MASTER_SECRET_UNAVAILABLE',
  'RDS_IAM_USER_SET_OBJECT_UNAVAILABLE',
  'RDS_IAM_MASTER_CONNECTION_FAILED',
  'RDS_IAM_SERVER_STALLED',
  'RDS_IAM_STATEMENT_FAILED',
  // The provisioner custom resource (lambda/provisioner)
  'RDS_IAM_INVALID_PROVISIONER_EVENT',
  'RDS_IAM_RESPONSE_NOT_DELIVERED',
  'RDS_IAM_PROVISIONER_FAILED',
  'RDS_IAM_PROVISIONER_TIMED_OUT',
  // The existing-database custom resource (lambda/existing-database)
  'RDS_IAM_INVALID_EXISTING_DATABASE_EVENT',
  'RDS_IAM_DATABASE_UNSUPPORTED',
  'RDS_IAM_DESCRIBE_FAILED',
  'RDS_IAM_MODIFY_FAILED',
  'RDS_IAM_NO_MASTER_SECRET',
  // Templates and rehearsals (lib/review, lib/rehearsal)
  'RDS_IAM_TEMPLATE_UNREADABLE',
  'RDS_IAM_REHEARSAL_NO_ASSEMBLY',
  'RDS_IAM_REHEARSAL_NO_STACK',
  'RDS_IAM_REHEARSAL_UNSUPPORTED_TEMPLATE',
  'RDS_IAM_REHEARSAL_NODE_RUNTIME',
  'RDS_IAM_REHEARSAL_NO_CUSTOM_RESOURCE',
  'RDS_IAM_REHEARSAL_MIXED_ENGINES',
  // The CLI (lib/cli)
  'RDS_IAM_CLI_USAGE',
  'RDS_IAM_CLI_CA_UNREADABLE',
  'RDS_IAM_CLI_NO_CLIENT',
  'RDS_IAM_CLI_NO_MASTER_USER',
  'RDS_IAM_CLI_NO_MASTER_PASSWORD',
  'RDS_IAM_CLI_NO_MASTER_CREDENTIALS',
  'RDS_IAM_CLI_DEPLOYED_STATE_UNREADABLE',
  'RDS_IAM_CLI_DEPLOYED_STATE_INVALID',
  'RDS_IAM_CLI_DEPLOYED_STATE_NO_CREDENTIALS',
  'RDS_IAM_CLI_DEPLOYED_STATE_ACCESS_DENIED',
  // The local emulator (lib/emulator): the step that failed
  'EMULATOR_INVALID_OPTIONS',
  'EMULATOR_MISSING_SYSTEM_PACKAGE',
  'EMULATOR_PLUGIN_BUILD_FAILED',
  'EMULATOR_PROGRAM_FAILED',
  'EMULATOR_DATA_DIRECTORY_FAILED',
  'EMULATOR_CERTIFICATES_FAILED',
  'EMULATOR_SERVER_FAILED',
] as const;

export type RdsIamErrorCode = (typeof RDS_IAM_ERROR_CODES)[number];

const KNOWN_CODES: ReadonlySet<string> = new Set(RDS_IAM_ERROR_CODES);

/** Whether a code (of any error) is one of ours, as opposed to a driver's or an SDK's. */
export function isRdsIamErrorCode(code: unknown): code is RdsIamErrorCode {
  return typeof code === 'string' && KNOWN_CODES.has(code);
}
