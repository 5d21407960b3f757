// The contract of the provisioner custom resource (`Custom::RdsIamDatabaseUsers`), shared by the
// `DatabaseUserProvisioner` construct, the provisioner Lambda and the CLI. It needs no aws-cdk-lib.
export * from './provisioner-event';
export * from './provisioner-login';
export * from './provisioner-physical-id';
export * from './provisioner-properties';
export * from './user-set-object';
