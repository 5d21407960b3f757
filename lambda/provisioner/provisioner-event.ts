import { z } from 'zod';
import { ProvisionerProperty } from '../../lib/provisioning/provisioner-properties';

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
  .refine((port) => port >= 1 && port <= 65535, 'must be between 1 and 65535');

export const provisionerPropertiesSchema = z.object({
  [ProvisionerProperty.MasterSecretArn]: z.string().regex(/^arn:[\w-]+:secretsmanager:[\w-]+:\d{12}:secret:[\w/+=.@-]+$/, 'must be a Secrets Manager secret ARN'),
  [ProvisionerProperty.Endpoint]: z.string().regex(HOST_NAME, 'must be a DNS host name'),
  [ProvisionerProperty.Port]: portSchema,
  [ProvisionerProperty.Engine]: z.enum(['mysql', 'mariadb']),
  [ProvisionerProperty.Users]: z.string(),
});

export type ParsedProvisionerProperties = z.infer<typeof provisionerPropertiesSchema>;

const commonFields = {
  RequestId: z.string(),
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

export class ProvisionerEventError extends Error {
  public readonly code = 'RDS_IAM_INVALID_PROVISIONER_EVENT';
  constructor(message: string) {
    super(message);
    this.name = 'ProvisionerEventError';
  }
}

/** Parses the event; throws {@link ProvisionerEventError} naming every field that does not fit. */
export function parseProvisionerEvent(event: unknown): ProvisionerEvent {
  const parsed = provisionerEventSchema.safeParse(event);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
  throw new ProvisionerEventError(
    `the custom resource event does not match what the DatabaseUserProvisioner construct sends: ${problems.join('; ')}`,
  );
}
