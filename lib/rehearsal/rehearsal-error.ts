import { RdsIamError } from '../errors/rds-iam-error';

/** Why a rehearsal could not run (as opposed to a step that ran and failed, which is a finding in the report). */
export type RehearsalErrorCode =
  | 'RDS_IAM_REHEARSAL_NO_ASSEMBLY'
  | 'RDS_IAM_REHEARSAL_NO_STACK'
  | 'RDS_IAM_REHEARSAL_UNSUPPORTED_TEMPLATE'
  | 'RDS_IAM_REHEARSAL_NODE_RUNTIME'
  | 'RDS_IAM_REHEARSAL_NO_CUSTOM_RESOURCE'
  | 'RDS_IAM_REHEARSAL_MIXED_ENGINES';

export class RehearsalError extends RdsIamError {
  constructor(code: RehearsalErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RehearsalError';
  }
}
