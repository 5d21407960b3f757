import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { decodeUserSpecs, PROVISIONER_RESOURCE_TYPE, ProvisionerProperty } from '../contracts/provisioner/provisioner-properties';
import { checkUserSetDigest } from '../contracts/provisioner/user-set-object';
import { RdsIamError } from '../errors/rds-iam-error';
import type { DatabaseUserSpec } from '../users/database-user-spec';
import { fileAssetPathsByObjectKey } from './asset-manifest';

/**
 * Reading a provisioner's user set wherever it travels: inline in the custom resource's `Users`, or in the S3 object
 * its `UsersObject` names (a file asset of the cloud assembly, or the object in S3 once deployed). The one home for
 * every reader of a template's user set: the review (`rds-iam diff`), the CLI's declared and deployed sets, and
 * the rehearsal.
 */

/** The texts of the user set objects a template names, by object key (keys are content-addressed: one text each). */
export type UserSetObjectTexts = ReadonlyMap<string, string>;

/** A `UsersObject` as a synthesized template writes it. */
export interface TemplateUserSetObject {
  /** The provisioner resource that names it. */
  readonly logicalId: string;
  readonly Key: string;
  readonly Sha256: string;
  /** The bootstrap bucket: a name, or `Fn::Sub` of the account and region in an environment-agnostic stack. */
  readonly Bucket: unknown;
}

export class UserSetObjectMissingError extends RdsIamError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RDS_IAM_USER_SET_OBJECT_UNAVAILABLE', message, options);
    this.name = 'UserSetObjectMissingError';
  }
}

/** The user set objects the template's provisioner resources name (none when every set is inline). */
export function templateUserSetObjects(template: unknown): TemplateUserSetObject[] {
  const resources = isRecord(template) && isRecord(template.Resources) ? template.Resources : {};
  return Object.entries(resources).flatMap(([logicalId, resource]) => {
    if (!isRecord(resource) || resource.Type !== PROVISIONER_RESOURCE_TYPE || !isRecord(resource.Properties)) return [];
    const object = resource.Properties[ProvisionerProperty.UsersObject];
    if (!isRecord(object) || typeof object.Key !== 'string' || typeof object.Sha256 !== 'string') return [];
    return [{ logicalId, Key: object.Key, Sha256: object.Sha256, Bucket: object.Bucket }];
  });
}

/**
 * Reads every user set object the template names with `read` and checks each is the set the template was
 * synthesized with (its SHA-256).
 */
export async function readUserSetObjects(template: unknown, read: (object: TemplateUserSetObject) => Promise<string>): Promise<UserSetObjectTexts> {
  const texts = new Map<string, string>();
  for (const object of templateUserSetObjects(template)) {
    if (texts.has(object.Key)) continue;
    const text = await read(object);
    checkUserSetDigest(text, { Bucket: bucketText(object.Bucket), Key: object.Key, Sha256: object.Sha256 });
    texts.set(object.Key, text);
  }
  return texts;
}

/** A reader of user set objects from a cloud assembly's file assets (see `fileAssetPathsByObjectKey`). */
export function assemblyObjectReader(assetPaths: ReadonlyMap<string, string>, origin: string): (object: TemplateUserSetObject) => Promise<string> {
  return async (object) => {
    const path = assetPaths.get(object.Key);
    if (path === undefined) {
      throw new UserSetObjectMissingError(
        `${origin}: resource ${object.logicalId} keeps its user set in the S3 object ${object.Key.slice(0, 80)}, which no asset ` +
          'manifest of the cloud assembly lists. Fix: synthesize again (npx cdk synth) and give the whole cloud assembly',
      );
    }
    return readFile(path, 'utf8').catch((cause: unknown) => {
      throw new UserSetObjectMissingError(
        `${origin}: resource ${object.logicalId}: the user set file ${path} is missing or unreadable. Fix: synthesize again (npx cdk synth)`,
        { cause },
      );
    });
  };
}

/** The user set objects of a stack of a cloud assembly, from the asset manifests the stack depends on. */
export async function readAssemblyUserSetObjects(template: unknown, assetManifestFiles: readonly string[], origin: string): Promise<UserSetObjectTexts> {
  if (templateUserSetObjects(template).length === 0) return new Map();
  const paths = new Map<string, string>();
  for (const file of assetManifestFiles) for (const [key, path] of await fileAssetPathsByObjectKey(file)) paths.set(key, path);
  return readUserSetObjects(template, assemblyObjectReader(paths, origin));
}

/**
 * The user set objects of a template given as a file: from the asset manifest `cdk synth` writes beside it
 * (`<stack>.template.json` → `<stack>.assets.json`). A template without objects needs none.
 * @throws UserSetObjectMissingError when the template names objects and no manifest is beside it, naming the fix
 */
export async function readUserSetObjectsBesideTemplate(templateFile: string, template: unknown): Promise<UserSetObjectTexts> {
  const objects = templateUserSetObjects(template);
  if (objects.length === 0) return new Map();
  const manifestFile = join(dirname(templateFile), `${basename(templateFile).replace(/(\.template)?\.json$/, '')}.assets.json`);
  if (!existsSync(manifestFile)) {
    throw new UserSetObjectMissingError(
      `${templateFile}: resource ${objects[0].logicalId} keeps its user set in an S3 object (a file asset of the cloud assembly, ` +
        `too large for the template), and there is no ${basename(manifestFile)} beside the template to find it. Fix: give the ` +
        'cloud assembly instead of the template file (--app cdk.out, or the cdk.out directory)',
    );
  }
  return readUserSetObjects(template, assemblyObjectReader(await fileAssetPathsByObjectKey(manifestFile), templateFile));
}

/**
 * The encoded user set of a provisioner resource's properties (the caller names them in its messages): `Users`, or
 * the text of the object `UsersObject` names (from `objects`). Not decoded: `Users` may be anything a template holds, which `decodeUserSpecs` judges.
 * @throws UserSetObjectMissingError when the set is in an object `objects` does not hold
 */
export function encodedUserSetOf(properties: Readonly<Record<string, unknown>>, objects: UserSetObjectTexts | undefined): unknown {
  const object = properties[ProvisionerProperty.UsersObject];
  if (object === undefined) return properties[ProvisionerProperty.Users];
  const key = isRecord(object) && typeof object.Key === 'string' ? object.Key : undefined;
  const text = key === undefined ? undefined : objects?.get(key);
  if (text === undefined) {
    throw new UserSetObjectMissingError(
      `the user set is kept in the S3 object ${JSON.stringify(object).slice(0, 160)}, which was not read. ` +
        'Fix: give the cloud assembly (cdk.out) the template came from',
    );
  }
  return text;
}

/** The decoded user set of a provisioner resource's properties, inline or kept in an object. */
export function userSetOf(properties: Readonly<Record<string, unknown>>, objects: UserSetObjectTexts | undefined): DatabaseUserSpec[] {
  return decodeUserSpecs(encodedUserSetOf(properties, objects));
}

/** How a set travels, for the reports: `'object'` when `UsersObject` names one. */
export function userSetDeliveryOf(properties: Readonly<Record<string, unknown>>): 'properties' | 'object' {
  return properties[ProvisionerProperty.UsersObject] === undefined ? 'properties' : 'object';
}

/** The bucket as a message shows it: its name, or the CDK bootstrap bucket's pattern when the template computes it. */
function bucketText(bucket: unknown): string {
  return typeof bucket === 'string' ? bucket : 'cdk-hnb659fds-assets-<account>-<region>';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
