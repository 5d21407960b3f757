// The provisioner's I/O edge, shared by the provisioner Lambda and the CLI's `plan` and `apply` commands.
export * from './converge-users';
export * from './master-connection';
export * from './master-secret';
export * from './read-live-user-state';
export * from './redact-secrets';
