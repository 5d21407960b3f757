import { RdsIamError, type RdsIamErrorCode } from '../../lib/errors/rds-iam-error';

/** The codes of the existing-database resource's own failures (a missing database is {@link DatabaseNotFoundError}). */
export type ExistingIamAuthDatabaseErrorCode = Extract<
  RdsIamErrorCode,
  'RDS_IAM_INVALID_EXISTING_DATABASE_EVENT' | 'RDS_IAM_DATABASE_UNSUPPORTED' | 'RDS_IAM_DESCRIBE_FAILED' | 'RDS_IAM_MODIFY_FAILED' | 'RDS_IAM_NO_MASTER_SECRET'
>;

/** Why enabling IAM authentication on an existing database failed; `cause` holds the RDS API error. */
export class ExistingIamAuthDatabaseError extends RdsIamError {
  constructor(code: ExistingIamAuthDatabaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ExistingIamAuthDatabaseError';
  }
}
