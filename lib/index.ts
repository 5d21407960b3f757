// Public API of rds-iam-mysql.
export * from './users/database-user-spec';
export * from './users/grant-target';
export * from './users/privileges';
export * from './users/validate-user-specs';
export * from './provisioning/provisioner-properties';
export * from './client';
export * from './planner';
export * from './provisioning/converge-users';
export * from './provisioning/master-connection';
export * from './provisioning/master-secret';
export * from './provisioning/read-live-user-state';
