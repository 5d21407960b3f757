// The pure provisioning planner: no I/O, shared by the provisioner Lambda and the CLI.
export * from './live-user-state';
export * from './plan-user-changes';
export * from './planner-errors';
export * from './privilege-diff';
export * from './server-grant-target';
export * from './user-statements';
