import { z } from 'zod';
import { isTcpPort } from '../../client/host-and-port';
import { RdsIamError } from '../../errors/rds-iam-error';
import { parseSecretArn } from '../../provisioning/secret-arn';
import { usernameProblems } from '../../users/validate-user-specs';
import { LOGIN_CHOICE_PROBLEM } from './provisioner-login';
import { ProvisionerProperty } from './provisioner-properties';
import { userSetObjectSchema } from './user-set-object';

/**
 * The CloudFormation custom resource events the provisioner accepts, one zod schema per request type, as the
 * Provider framework's onEvent handler receives them. Types come from the schemas, so they cannot drift apart.
 */

/** A DNS host name: what an RDS endpoint (or `localhost`) looks like, nothing that could carry anything else. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** CloudFormation passes every scalar property as a string; accept a number too. */
const portSchema = z
  .union([z.string().regex(/^\d{1,5}$/, 'must be a port number'), z.number().int()])
  .transform(Number)
  .refine(isTcpPort, 'must be between 1 and 65535');

/** Any ARN Secrets Manager issues, RDS-managed `rds!cluster-…` names included; the reason names the part that is off. */
const secretArnSchema = z.string().superRefine((arn, context) => {
  const parsed = parseSecretArn(arn);
  if ('problem' in parsed) context.addIssue({ code: z.ZodIssueCode.custom, message: `must be a Secrets Manager secret ARN: it ${parsed.problem}` });
});

/** A database user name the project may use (the same rules as a declared user's), quoting at most 64 characters. */
const adminUsernameSchema = z.string().superRefine((username, context) => {
  for (const problem of usernameProblems(username)) {
    context.addIssue({ code: z.ZodIssueCode.custom, message: `${JSON.stringify(username.slice(0, 64))}: ${problem}` });
  }
});

/** `cluster-` + the cluster resource id, or `db-` + the instance's DbiResourceId, as RDS issues them. */
const DATABASE_RESOURCE_ID = /^(cluster|db)-[A-Za-z0-9]{1,64}$/;

export const provisionerPropertiesSchema = z
  .object({
    [ProvisionerProperty.MasterSecretArn]: secretArnSchema.optional(),
    [ProvisionerProperty.AdminIamUsername]: adminUsernameSchema.optional(),
    [ProvisionerProperty.DatabaseResourceId]: z.string().regex(DATABASE_RESOURCE_ID, 'must be an RDS resource id: cluster-… or db-…'),
    [ProvisionerProperty.Endpoint]: z.string().regex(HOST_NAME, 'must be a DNS host name'),
    [ProvisionerProperty.Port]: portSchema,
    [ProvisionerProperty.Engine]: z.enum(['mysql', 'mariadb']),
    [ProvisionerProperty.Users]: z.string().optional(),
    [ProvisionerProperty.UsersObject]: userSetObjectSchema.optional(),
  })
  .superRefine((properties, context) => {
    // Exactly one login: both would leave it unclear whom the Lambda acts as, neither gives it no way in.
    if ((properties.MasterSecretArn === undefined) === (properties.AdminIamUsername === undefined)) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: [ProvisionerProperty.MasterSecretArn], message: LOGIN_CHOICE_PROBLEM });
    }
    // Exactly one home for the set: both would leave it unclear which one is meant, neither is no declaration.
    if ((properties.Users === undefined) === (properties.UsersObject === undefined)) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: [ProvisionerProperty.Users],
        message: `give the user set either inline (${ProvisionerProperty.Users}) or as an S3 object (${ProvisionerProperty.UsersObject}), exactly one of them`,
      });
    }
  });

export type ParsedProvisionerProperties = z.infer<typeof provisionerPropertiesSchema>;

const commonFields = {
  RequestId: z.string(),
  ResponseURL: z.string().url(),
  LogicalResourceId: z.string(),
  StackId: z.string(),
  ResourceType: z.string(),
  ResourceProperties: provisionerPropertiesSchema,
};

export const createEventSchema = z.object({ ...commonFields, RequestType: z.literal('Create') });
export const updateEventSchema = z.object({
  ...commonFields,
  RequestType: z.literal('Update'),
  PhysicalResourceId: z.string(),
  OldResourceProperties: provisionerPropertiesSchema,
});
export const deleteEventSchema = z.object({ ...commonFields, RequestType: z.literal('Delete'), PhysicalResourceId: z.string() });

export const provisionerEventSchema = z.discriminatedUnion('RequestType', [createEventSchema, updateEventSchema, deleteEventSchema]);

export type ProvisionerEvent = z.infer<typeof provisionerEventSchema>;

/**
 * The fields every request carries whatever its properties: enough to answer CloudFormation (and to recognise a
 * Delete with nothing to do) even when the properties are invalid.
 */
const requestEnvelopeSchema = z.discriminatedUnion('RequestType', [
  z.object({ RequestType: z.literal('Create'), RequestId: z.string(), ResponseURL: z.string().url(), StackId: z.string(), LogicalResourceId: z.string() }),
  z.object({
    RequestType: z.enum(['Update', 'Delete']),
    RequestId: z.string(),
    ResponseURL: z.string().url(),
    StackId: z.string(),
    LogicalResourceId: z.string(),
    PhysicalResourceId: z.string(),
  }),
]);

export type RequestEnvelope = z.infer<typeof requestEnvelopeSchema>;

export class ProvisionerEventError extends RdsIamError {
  constructor(message: string) {
    super('RDS_IAM_INVALID_PROVISIONER_EVENT', message);
    this.name = 'ProvisionerEventError';
  }
}

const MAX_PROBLEMS_SHOWN = 5;

/** Parses the request fields; throws {@link ProvisionerEventError} when the event cannot be answered at all. */
export function parseRequestEnvelope(event: unknown): RequestEnvelope {
  const parsed = requestEnvelopeSchema.safeParse(event);
  if (parsed.success) return parsed.data;
  throw new ProvisionerEventError(
    `not a CloudFormation custom resource request: ${parsed.error.issues.slice(0, MAX_PROBLEMS_SHOWN).map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`).join('; ')}`,
  );
}

/** Parses the event; throws {@link ProvisionerEventError} naming every field that does not fit. */
export function parseProvisionerEvent(event: unknown): ProvisionerEvent {
  const parsed = provisionerEventSchema.safeParse(event);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).join('; ');
  const more = problems.length > MAX_PROBLEMS_SHOWN ? ` (and ${problems.length - MAX_PROBLEMS_SHOWN} more)` : '';
  throw new ProvisionerEventError(`the custom resource event does not match what the DatabaseUserProvisioner construct sends: ${shown}${more}`);
}
