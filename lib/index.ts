// Public API of rds-iam-mysql: the constructs, the client, the planner and the CLI entry point, with the types a
// declaration is written in and the errors a bad one raises. This repository's own CDK app (app/) imports it from
// here like any consumer. Importing it loads no database driver, AWS SDK client or CLI code: the client and the
// planner load theirs on first use, so a CDK app that only declares users pays for the constructs alone.

// Constructs
export * from './constructs/declaration-error';
export * from './constructs/iam-auth-database';
export * from './constructs/iam-auth-database-adapters';
export * from './constructs/provisioner-network';
export * from './constructs/database-user-provisioner';
export type { UserSetDelivery } from './constructs/provisioner-capacity';
export type { ProvisionerAdminUser } from './constructs/provisioner-admin-user';
export * from './constructs/iam-database-user';
export * from './constructs/existing-iam-auth-database';
export * from './constructs/iam-auth-database-proxy';
export * from './constructs/proxy-target';
export { nameStackEnvironment } from './constructs/stack-environment-name';

// What a declaration is written in, and the errors the constructs raise for a bad one
export * from './users/database-user-spec';
export type { GrantTarget } from './users/grant-target';
export type { WarningAcknowledgement } from './review/warning-acknowledgement';
export { describeProblems, UserSpecValidationError, type UserSpecProblem } from './users/user-spec-problems';

// The client
export * from './client';

// The planner (desired + previous + live state → statements), pure
export * from './planner';

// The `rds-iam` CLI, callable in process: runCli(['node', 'rds-iam', 'plan', …]) resolves to the exit code.
export { runCli } from './cli/run-cli';
