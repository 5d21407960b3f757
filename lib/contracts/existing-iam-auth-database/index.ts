// The contract of the `ExistingIamAuthDatabase` custom resource, shared by the construct and its Lambda.
export * from './existing-iam-auth-database-event';
export * from './existing-iam-auth-database-physical-id';
export * from './existing-iam-auth-database-properties';
