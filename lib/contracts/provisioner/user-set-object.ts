import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ProvisionerPropertiesError } from './provisioner-properties';

/**
 * Where a user set too large for the custom resource's properties travels instead: an S3 object (a CDK file asset
 * in the bootstrap bucket), named in the `UsersObject` property. The properties then stay a few hundred bytes
 * whatever the number of users, so neither the template nor the Update event (old and new properties) limits it.
 *
 * The object holds exactly the text {@link encodeUserSpecs} writes; `Sha256` is the hex SHA-256 of that text, so a
 * reader (the Lambda, the CLI, the review, the rehearsal) knows it has the set the template was synthesized with.
 * The asset's key is content-addressed: another set is another object, and the old one stays for a rollback.
 */
export interface UserSetObject {
  readonly Bucket: string;
  readonly Key: string;
  readonly Sha256: string;
}

/**
 * The largest user set object the provisioner reads (and the construct writes): 10,000 users with the longest names
 * and three grants each encode to about 4.2 MiB; four times that leaves room without letting a wrong object fill the
 * Lambda's memory.
 */
export const MAX_USER_SET_OBJECT_BYTES = 16 * 1024 * 1024;

/**
 * The file extension a user set object's file, and so its S3 key, ends with (a file asset's key is its hash + the
 * extension of its file). Its own extension, not `.json`: the provisioner's `s3:GetObject` reaches user set objects
 * only, not the stack templates CDK uploads to the same bucket as `<hash>.json`.
 */
export const USER_SET_OBJECT_EXTENSION = '.rds-iam-user-set';

/** The key CDK gives the file asset of a set with this SHA-256 (its custom asset hash), as an edited set's object gets too. */
export function userSetObjectKey(sha256: string): string {
  return `${sha256}${USER_SET_OBJECT_EXTENSION}`;
}

/** S3's rules for a bucket name (3–63 characters, lower case, digits, dots and hyphens). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export const userSetObjectSchema = z
  .object({
    Bucket: z.string().regex(BUCKET_NAME, 'must be an S3 bucket name'),
    Key: z.string().min(1).max(1024, 'must be an S3 object key (at most 1,024 characters)'),
    Sha256: z.string().regex(SHA256_HEX, 'must be 64 lower-case hex digits (the SHA-256 of the encoded user set)'),
  })
  .strict();

/** The hex SHA-256 of an encoded user set, as carried in `UsersObject.Sha256`. */
export function userSetDigest(encoded: string): string {
  return createHash('sha256').update(encoded, 'utf8').digest('hex');
}

/** Throws {@link ProvisionerPropertiesError} unless `encoded` is the set `location` names (same SHA-256). */
export function checkUserSetDigest(encoded: string, location: UserSetObject): void {
  const actual = userSetDigest(encoded);
  if (actual !== location.Sha256) {
    throw new ProvisionerPropertiesError(
      `the user set object s3://${location.Bucket}/${location.Key} has SHA-256 ${actual.slice(0, 12)}…, not the ` +
        `${location.Sha256.slice(0, 12)}… the template names: it was replaced after synth. Fix: deploy again with \`cdk deploy\`, which uploads the asset anew`,
    );
  }
}

/** Where the properties keep the user set: inline (`Users`) or in an S3 object (`UsersObject`). */
export type UserSetSource = { readonly kind: 'inline'; readonly encoded: string } | { readonly kind: 'object'; readonly location: UserSetObject };

/** Which of the two homes the (already validated) properties use. */
export function userSetSourceOf(properties: { readonly Users?: string; readonly UsersObject?: UserSetObject }): UserSetSource {
  if (properties.UsersObject !== undefined) return { kind: 'object', location: properties.UsersObject };
  if (properties.Users !== undefined) return { kind: 'inline', encoded: properties.Users };
  throw new ProvisionerPropertiesError('the properties carry no user set: neither Users nor UsersObject');
}
