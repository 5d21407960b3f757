import { encodedUserSetOf, userSetDeliveryOf, type UserSetObjectTexts } from '../assembly/user-set-objects';
import { decodeUserSpecs, PROVISIONER_RESOURCE_TYPE, ProvisionerProperty } from '../contracts/provisioner/provisioner-properties';
import type { DatabaseUserSpec } from '../users/database-user-spec';
import { CliFailure } from './cli-context';

/** The user set a CloudFormation template gives the provisioner custom resource, or that it has none. */
export type TemplateUserSet =
  | {
      readonly found: true;
      readonly logicalId: string;
      readonly users: DatabaseUserSpec[];
      /** How the set travels: in the resource's properties, or in the S3 object its `UsersObject` names. */
      readonly delivery: 'properties' | 'object';
      /** The stack the CDK synthesized the resource in (first segment of its `aws:cdk:path`), if recorded. */
      readonly synthesizedInStack?: string;
    }
  | { readonly found: false };

/**
 * Reads the user set of the template's one `Custom::RdsIamDatabaseUsers` resource (its `Users`, or the S3 object its
 * `UsersObject` names): the set the provisioner Lambda will receive as `OldResourceProperties` at the next deploy
 * when this is the deployed template. Pure: the caller fetches the body (GetTemplate, or a synthesized file) and the
 * texts of its user set objects (`lib/assembly/user-set-objects.ts`), and names it in `origin` for the error messages.
 */
export function userSetOfTemplate(templateBody: string, origin: string, objects?: UserSetObjectTexts): TemplateUserSet {
  const resources = resourcesOf(templateBody, origin);
  const provisioners = Object.entries(resources).flatMap(([logicalId, resource]) =>
    isRecord(resource) && resource.Type === PROVISIONER_RESOURCE_TYPE ? [{ logicalId, resource }] : [],
  );
  if (provisioners.length === 0) return { found: false };
  if (provisioners.length > 1) {
    throw invalid(
      `${origin} has ${provisioners.length} ${PROVISIONER_RESOURCE_TYPE} resources (${provisioners.map((p) => p.logicalId).join(', ')}); ` +
        'an environment has one provisioner per database, so it is not clear which user set is deployed. Fix: give ' +
        '--deployed-state none, or a template of one environment',
    );
  }
  const { logicalId, resource } = provisioners[0];
  const properties = isRecord(resource.Properties) ? resource.Properties : {};
  let encoded: unknown;
  try {
    encoded = encodedUserSetOf(properties, objects);
  } catch (cause) {
    throw invalid(`${origin}: resource ${logicalId}: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
  if (typeof encoded !== 'string') {
    // A synthesized template carries the set as a literal string; anything else (Fn::Join, a Ref to a parameter)
    // is only known to CloudFormation at deploy time, so the CLI cannot know what was deployed.
    throw invalid(
      `${origin}: resource ${logicalId} (${PROVISIONER_RESOURCE_TYPE}) has property ${ProvisionerProperty.Users} = ` +
        `${describeValue(encoded)}, not a literal string, so the deployed user set cannot be read from the template. ` +
        'Fix: deploy the stack from this project (it writes the set as a string), or give --deployed-state none',
    );
  }
  try {
    const users = decodeUserSpecs(encoded);
    return { found: true, logicalId, users, delivery: userSetDeliveryOf(properties), synthesizedInStack: stackOfCdkPath(resource.Metadata) };
  } catch (cause) {
    throw invalid(
      `${origin}: resource ${logicalId} property ${ProvisionerProperty.Users} is not a user set this version can read ` +
        `(${cause instanceof Error ? cause.message : String(cause)}). Fix: give --deployed-state none, or a template ` +
        'synthesized by this project',
      cause,
    );
  }
}

const FIX_TEMPLATE = 'Fix: give a template synthesized by `npx cdk synth` (cdk.out/<stack>.template.json), or --deployed-state none';

function resourcesOf(templateBody: string, origin: string): Record<string, unknown> {
  let template: unknown;
  try {
    template = JSON.parse(templateBody);
  } catch (cause) {
    // CloudFormation keeps a template in the format it was given; CDK always deploys JSON.
    throw invalid(`${origin} is not a JSON template (a YAML template was not made by this project's CDK app). ${FIX_TEMPLATE}`, cause);
  }
  if (!isRecord(template) || !isRecord(template.Resources)) {
    throw invalid(`${origin} is not a CloudFormation template: it has no Resources object. ${FIX_TEMPLATE}`);
  }
  return template.Resources;
}

function stackOfCdkPath(metadata: unknown): string | undefined {
  const path = isRecord(metadata) ? metadata['aws:cdk:path'] : undefined;
  return typeof path === 'string' && path.includes('/') ? path.slice(0, path.indexOf('/')) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the property is missing)';
  const json = JSON.stringify(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

function invalid(message: string, cause?: unknown): CliFailure {
  return new CliFailure('RDS_IAM_CLI_DEPLOYED_STATE_INVALID', message, cause === undefined ? undefined : { cause });
}
