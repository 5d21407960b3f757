/** Why the import of an existing database failed; `code` is stable, `cause` holds the RDS API error. */
export type DatabaseIamAuthErrorCode =
  | 'RDS_IAM_INVALID_IMPORT_EVENT'
  | 'RDS_IAM_DATABASE_NOT_FOUND'
  | 'RDS_IAM_DATABASE_UNSUPPORTED'
  | 'RDS_IAM_DESCRIBE_FAILED'
  | 'RDS_IAM_MODIFY_FAILED'
  | 'RDS_IAM_NO_MASTER_SECRET';

export class DatabaseIamAuthError extends Error {
  constructor(public readonly code: DatabaseIamAuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseIamAuthError';
  }
}
