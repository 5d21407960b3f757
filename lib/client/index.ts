// The client runtime: IAM tokens, TLS-verified mysql2 connections and pools, the hostname guard, the RDS CA bundle.
export * from './client-errors';
export * from './auth-token-format';
export * from './rds-endpoint';
export * from './host-and-port';
export * from './rds-ca-bundle';
export * from './iam-token-provider';
export * from './iam-auth-plugin';
export * from './iam-connection-options';
export * from './create-connection';
export * from './create-pool';
