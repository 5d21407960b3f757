import type { IConstruct } from 'constructs';
import { RdsIamError } from '../errors/rds-iam-error';

/**
 * A declaration refused at synth time. The message starts with the construct path, then names the property, the
 * value and the fix, so `cdk synth` points at the line to change before anything is deployed.
 *
 * (aws-cdk-lib's own `ValidationError` is marked internal in 2.276, so constructs outside the library cannot rely on it.)
 */
export class IamDatabaseDeclarationError extends RdsIamError {
  public readonly constructPath: string;

  constructor(scope: IConstruct, message: string, options?: { cause?: unknown }) {
    super('RDS_IAM_INVALID_DECLARATION', `${scope.node.path}: ${message}`, options);
    this.name = 'IamDatabaseDeclarationError';
    this.constructPath = scope.node.path;
  }
}
