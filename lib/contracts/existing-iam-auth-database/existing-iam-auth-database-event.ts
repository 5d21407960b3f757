import { z } from 'zod';
import { RdsIamError } from '../../errors/rds-iam-error';
import { existingIamAuthDatabasePropertiesSchema } from './existing-iam-auth-database-properties';

/**
 * The events the Provider framework hands `onEvent` and `isComplete` of `ExistingIamAuthDatabase`, one zod schema
 * per request type; types come from the schemas. A Delete must succeed whatever its properties became, so its
 * properties are read leniently: unreadable ones mean "nothing to restore".
 */

const commonFields = { StackId: z.string(), LogicalResourceId: z.string().optional() };

export const createEventSchema = z.object({
  ...commonFields,
  RequestType: z.literal('Create'),
  ResourceProperties: existingIamAuthDatabasePropertiesSchema,
  /** Present on isComplete: the id onEvent answered with. */
  PhysicalResourceId: z.string().optional(),
});

export const updateEventSchema = z.object({
  ...commonFields,
  RequestType: z.literal('Update'),
  ResourceProperties: existingIamAuthDatabasePropertiesSchema,
  PhysicalResourceId: z.string(),
});

export const deleteEventSchema = z.object({
  ...commonFields,
  RequestType: z.literal('Delete'),
  ResourceProperties: existingIamAuthDatabasePropertiesSchema.optional().catch(undefined),
  PhysicalResourceId: z.string(),
});

export const existingIamAuthDatabaseEventSchema = z.discriminatedUnion('RequestType', [createEventSchema, updateEventSchema, deleteEventSchema]);

export type ExistingIamAuthDatabaseEvent = z.infer<typeof existingIamAuthDatabaseEventSchema>;
export type ExistingIamAuthDatabaseDeleteEvent = z.infer<typeof deleteEventSchema>;

const MAX_PROBLEMS_SHOWN = 5;

/** Parses an event once; throws `RDS_IAM_INVALID_EXISTING_DATABASE_EVENT` naming the fields that do not fit. */
export function parseExistingIamAuthDatabaseEvent(event: unknown): ExistingIamAuthDatabaseEvent {
  const parsed = existingIamAuthDatabaseEventSchema.safeParse(event);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
  throw new RdsIamError(
    'RDS_IAM_INVALID_EXISTING_DATABASE_EVENT',
    `the custom resource event does not match what the ExistingIamAuthDatabase construct sends: ${problems.slice(0, MAX_PROBLEMS_SHOWN).join('; ')}` +
      (problems.length > MAX_PROBLEMS_SHOWN ? ` (and ${problems.length - MAX_PROBLEMS_SHOWN} more)` : ''),
  );
}
