// Public API of rds-iam-mysql: the constructs, the client, the planner, the review and the CLI. This repository's own
// CDK app (app/) imports it from here like any consumer.
export * from './users/database-user-spec';
export * from './users/grant-target';
export * from './users/privileges';
export * from './users/privileged-grants';
export * from './users/reserved-accounts';
export * from './users/validate-user-specs';
export * from './contracts/provisioner/provisioner-properties';
export * from './client';
export * from './constructs/declaration-error';
export * from './constructs/iam-auth-database';
export * from './constructs/iam-auth-database-adapters';
export * from './constructs/provisioner-network';
export * from './constructs/database-user-provisioner';
export * from './constructs/iam-database-user';
export * from './planner';
export * from './provisioning/converge-users';
export * from './provisioning/master-connection';
export * from './provisioning/master-secret';
export * from './provisioning/read-live-user-state';
export * from './constructs/existing-iam-auth-database';
export * from './contracts/existing-iam-auth-database/existing-iam-auth-database-properties';
export * from './contracts/existing-iam-auth-database/existing-iam-auth-database-physical-id';
export * from './constructs/iam-auth-database-proxy';
export * from './constructs/proxy-target';
export * from './proxy/db-proxy-name';
export * from './review';
// The `rds-iam` CLI, callable in process: runCli(['node', 'rds-iam', 'plan', …]) resolves to the exit code.
export { runCli } from './cli/run-cli';
