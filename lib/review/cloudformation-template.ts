import type { UserSetObjectTexts } from '../assembly/user-set-objects';
import { RdsIamError } from '../errors/rds-iam-error';
/**
 * A synthesized CloudFormation template read as plain JSON: no aws-cdk-lib, so `rds-iam diff` starts fast and reads
 * any template, whichever CDK version made it.
 */

/** One resource of a template. */
export interface TemplateResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** A template of one stack, and where it came from (for error messages). */
export interface SynthesizedTemplate {
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The parsed template (`JSON.parse` of the file, or `Template.toJSON()`). */
  readonly template: unknown;
  /** A file name or a description, quoted in errors. */
  readonly origin: string;
  /**
   * The user sets its provisioners keep in S3 objects (`UsersObject`), read from the cloud assembly's file assets.
   * @default - none: every set is inline (`Users`)
   */
  readonly userSetObjects?: UserSetObjectTexts;
}

export class TemplateReadError extends RdsIamError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RDS_IAM_TEMPLATE_UNREADABLE', message, options);
    this.name = 'TemplateReadError';
  }
}

/** A property's value when the template holds it as a plain string (not a Ref, GetAtt or Join), else undefined. */
export function literalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The resources of a template, in template order; throws {@link TemplateReadError} when it is not a template. */
export function templateResources(template: unknown, origin: string): TemplateResource[] {
  if (!isRecord(template) || !isRecord(template.Resources)) {
    throw new TemplateReadError(
      `${origin} is not a CloudFormation template: it has no Resources object. Fix: give a template synthesized by ` +
        '`npx cdk synth` (cdk.out/<stack>.template.json) or a cloud assembly directory (cdk.out)',
    );
  }
  return Object.entries(template.Resources).flatMap(([logicalId, resource]) =>
    isRecord(resource) && typeof resource.Type === 'string'
      ? [{
          logicalId,
          type: resource.Type,
          properties: isRecord(resource.Properties) ? resource.Properties : {},
          metadata: isRecord(resource.Metadata) ? resource.Metadata : {},
        }]
      : [],
  );
}

/** Parses a template file's text; throws {@link TemplateReadError} naming the file when it is not JSON. */
export function parseTemplateBody(body: string, origin: string): unknown {
  try {
    return JSON.parse(body);
  } catch (cause) {
    // CloudFormation keeps a template in the format it was given; CDK always synthesizes JSON.
    throw new TemplateReadError(`${origin} is not a JSON template (CDK synthesizes JSON; YAML is not read)`, { cause });
  }
}
