import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import type { UserSetObjectTexts } from '../assembly/user-set-objects';
import type { DatabaseUserSpec } from '../users/database-user-spec';
import { CliFailure, type CliContext } from './cli-context';
import type { DeclaredDatabase } from './declared-database';

/**
 * Where `plan` and `apply` take the previously deployed user set from. The provisioner Lambda drops the users that
 * are in the old set and not in the new one, and it gets the old set from CloudFormation's `OldResourceProperties`:
 * the CLI must read the same set, or `plan` would not show the `DROP USER`s the next deploy runs.
 */
export type DeployedStateSource =
  /** The environment's stack for a database found through AWS; none for a `--hostname` server. */
  | { readonly kind: 'auto' }
  /** The environment's stack, whatever the target. */
  | { readonly kind: 'cloudformation' }
  /** No previous set: users removed from the declaration are not dropped. */
  | { readonly kind: 'none' }
  /** A template file standing in for the deployed one, e.g. what `main` synthesizes, to review a change offline. */
  | { readonly kind: 'file'; readonly path: string };

/** The value words of `--deployed-state`; anything else is a file (write `./none` for a file called `none`). */
const KEYWORD_SOURCES: Readonly<Record<string, DeployedStateSource>> = {
  auto: { kind: 'auto' },
  cloudformation: { kind: 'cloudformation' },
  none: { kind: 'none' },
};

/** Parses `--deployed-state`, or tells commander why not. */
export function parseDeployedStateFlag(value: string): DeployedStateSource {
  if (value.trim() === '') throw new InvalidArgumentError('give auto, cloudformation, none or the path of a template file');
  return KEYWORD_SOURCES[value] ?? { kind: 'file', path: value };
}

/** Flags that decide where the deployed set is read. */
export interface DeployedStateFlags {
  /** @default - auto */
  readonly deployedState?: DeployedStateSource;
  /** A `--hostname` target is taken for a server outside CloudFormation by `auto`. */
  readonly hostname?: string;
  readonly region?: string;
  readonly profile?: string;
}

/** The previous user set for the planner, and one line for stderr saying where it came from. */
export interface DeployedUserSet {
  readonly users: readonly DatabaseUserSpec[];
  readonly description: string;
}

/** Reads the user set that the environment's next deploy will hand the provisioner as the old one. */
export async function readDeployedUserSet(
  declared: DeclaredDatabase,
  flags: DeployedStateFlags,
  context: CliContext,
): Promise<DeployedUserSet> {
  const { stackName } = declared;
  const source = flags.deployedState ?? { kind: 'auto' };
  if (source.kind === 'auto' && flags.hostname !== undefined) {
    return {
      users: [],
      description:
        'deployed state: none, as --hostname names a server outside CloudFormation: users removed from the declaration ' +
        `are not dropped (give --deployed-state cloudformation to compare with stack ${stackName})`,
    };
  }
  switch (source.kind) {
    case 'none':
      return { users: [], description: 'deployed state: none (--deployed-state none): users removed from the declaration are not dropped' };
    case 'auto':
    case 'cloudformation':
      return readFromStack(stackName, flags.region ?? declared.region, declared.account, flags.profile, context);
    case 'file':
      return readFromFile(source.path, stackName);
  }
}

async function readFromStack(
  stackName: string,
  region: string | undefined,
  account: string | undefined,
  profile: string | undefined,
  context: CliContext,
): Promise<DeployedUserSet> {
  const [{ GetTemplateCommand }, { userSetOfTemplate }, { PROVISIONER_RESOURCE_TYPE }] = await Promise.all([
    import('@aws-sdk/client-cloudformation'),
    import('./template-user-set'),
    import('../contracts/provisioner/provisioner-properties'),
  ]);
  const client = await context.createCloudFormationClient(region, profile);
  // For messages: a stack synthesized without a region is read in the SDK's (AWS_REGION, the profile's).
  region ??= await client.config.region().catch(() => 'the default region');
  account ??= '<account>';
  let templateBody: string | undefined;
  try {
    // `Original`: the template as deployed, whose resource properties are what the Lambda gets back as old ones.
    const response = await client.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }));
    templateBody = response.TemplateBody;
  } catch (cause) {
    if (isStackMissing(cause)) {
      return {
        users: [],
        description:
          `deployed state: stack ${stackName} does not exist in ${region} (account ${account} expected): nothing is ` +
          'deployed yet, so no user is dropped',
      };
    }
    throw stackReadFailure(stackName, region, account, cause);
  }
  if (templateBody === undefined) {
    throw new CliFailure('RDS_IAM_CLI_DEPLOYED_STATE_UNREADABLE', `GetTemplate returned no template body for stack ${stackName} (${region})`);
  }
  const origin = `the deployed template of stack ${stackName}`;
  const stackAccount = async (): Promise<string> => {
    if (/^\d{12}$/.test(account ?? '')) return account ?? '';
    // An environment-agnostic stack: its ARN names the account it was deployed to.
    const { DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
    const described = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    return /^arn:[^:]+:cloudformation:[^:]*:(\d{12}):/.exec(described.Stacks?.[0]?.StackId ?? '')?.[1] ?? '';
  };
  const objects = await readDeployedUserSetObjects(templateBody, { region, account: stackAccount, profile, origin }, context);
  const found = userSetOfTemplate(templateBody, origin, objects);
  if (!found.found) {
    // The next deploy creates the custom resource: the Lambda gets a Create event, with no old user set.
    return {
      users: [],
      description: `deployed state: stack ${stackName} has no ${PROVISIONER_RESOURCE_TYPE} resource yet: no user set is deployed, so no user is dropped`,
    };
  }
  return {
    users: found.users,
    description:
      `deployed state: ${found.users.length} user(s) in stack ${stackName} (${region}), resource ${found.logicalId}` +
      (found.delivery === 'object' ? ', read from its S3 object (UsersObject)' : ''),
  };
}

async function readFromFile(path: string, stackName: string): Promise<DeployedUserSet> {
  const [{ userSetOfTemplate }, { PROVISIONER_RESOURCE_TYPE }] = await Promise.all([
    import('./template-user-set'),
    import('../contracts/provisioner/provisioner-properties'),
  ]);
  let templateBody: string;
  try {
    templateBody = await readFile(path, 'utf8');
  } catch (cause) {
    throw new CliFailure(
      'RDS_IAM_CLI_DEPLOYED_STATE_UNREADABLE',
      `--deployed-state ${path}: cannot read that file (${errorField(cause, 'code') ?? String(cause)}). Fix: give a template synthesized by ` +
        `\`npx cdk synth\` (e.g. cdk.out/${stackName}.template.json), or auto, cloudformation or none`,
      { cause },
    );
  }
  const { readUserSetObjectsBesideTemplate } = await import('../assembly/user-set-objects');
  const objects = await readUserSetObjectsBesideTemplate(path, parseOrUndefined(templateBody)).catch((cause: unknown) => {
    throw new CliFailure('RDS_IAM_CLI_DEPLOYED_STATE_INVALID', `--deployed-state ${path}: ${(cause as Error).message}`, { cause });
  });
  const found = userSetOfTemplate(templateBody, `template file ${path}`, objects);
  if (!found.found) {
    // Every stack of this project has the resource: a template without it is most likely the wrong file, and
    // taking it as "nothing deployed" would hide every drop the review is meant to show.
    throw new CliFailure(
      'RDS_IAM_CLI_DEPLOYED_STATE_INVALID',
      `template file ${path} has no ${PROVISIONER_RESOURCE_TYPE} resource, so it is not the template of an ` +
        `environment of this project. Fix: give cdk.out/${stackName}.template.json as synthesized by \`npx cdk synth\``,
    );
  }
  if (found.synthesizedInStack !== undefined && found.synthesizedInStack !== stackName) {
    throw new CliFailure(
      'RDS_IAM_CLI_DEPLOYED_STATE_INVALID',
      `template file ${path} was synthesized for stack ${found.synthesizedInStack}, not ${stackName}: comparing ` +
        `two environments would show users of one as drops in the other. Fix: give cdk.out/${stackName}.template.json`,
    );
  }
  return {
    users: found.users,
    description: `deployed state: ${found.users.length} user(s) from template file ${path} (resource ${found.logicalId}), in place of stack ${stackName}`,
  };
}

/**
 * The user set objects (`UsersObject`) the deployed template names, read from S3 as the provisioner reads them at the
 * next deploy (bounded, SHA-256 checked). A template whose sets are inline needs no S3 call.
 */
async function readDeployedUserSetObjects(
  templateBody: string,
  where: { readonly region: string; readonly account: () => Promise<string>; readonly profile?: string; readonly origin: string },
  context: CliContext,
): Promise<UserSetObjectTexts> {
  const template = parseOrUndefined(templateBody);
  const [{ readUserSetObjects, templateUserSetObjects }, { readUserSetObject }] = await Promise.all([
    import('../assembly/user-set-objects'),
    import('../provisioning/user-set-object-reader'),
  ]);
  const objects = templateUserSetObjects(template);
  if (objects.length === 0) return new Map();
  const s3 = await context.createS3Client(where.region, where.profile);
  return readUserSetObjects(template, async (object) => {
    const bucket = await bootstrapBucketName(object.Bucket, where);
    const location = `s3://${bucket}/${object.Key}`;
    try {
      return await readUserSetObject({ Bucket: bucket, Key: object.Key, Sha256: object.Sha256 }, s3);
    } catch (cause) {
      const denied = errorField(cause, 'failure') === 'access-denied';
      throw new CliFailure(
        denied ? 'RDS_IAM_CLI_DEPLOYED_STATE_ACCESS_DENIED' : 'RDS_IAM_CLI_DEPLOYED_STATE_UNREADABLE',
        `${where.origin} keeps its user set in ${location} (resource ${object.logicalId}), which could not be read: ` +
          `${errorField(cause, 'message') ?? String(cause)}. Fix: ${denied ? `allow s3:GetObject on arn:aws:s3:::${bucket}/${object.Key} to these credentials or use others (--profile), ` : ''}${SKIP_HINT}`,
        { cause },
      );
    }
  });
}

/**
 * The bucket a deployed `UsersObject` names: a name, or in an environment-agnostic stack the CDK bootstrap bucket's
 * `Fn::Sub` of the account and region, resolved as CloudFormation did.
 */
async function bootstrapBucketName(bucket: unknown, where: { readonly region: string; readonly account: () => Promise<string> }): Promise<string> {
  if (typeof bucket === 'string') return bucket;
  const pattern = typeof bucket === 'object' && bucket !== null ? (bucket as Record<string, unknown>)['Fn::Sub'] : undefined;
  if (typeof pattern !== 'string') {
    throw new CliFailure('RDS_IAM_CLI_DEPLOYED_STATE_INVALID', `the deployed UsersObject names its bucket as ${JSON.stringify(bucket)?.slice(0, 120)}, which the CLI cannot resolve. ${SKIP_HINT}`);
  }
  const resolved = pattern.replaceAll('${AWS::Region}', where.region);
  return resolved.includes('${AWS::AccountId}') ? resolved.replaceAll('${AWS::AccountId}', await where.account()) : resolved;
}

function parseOrUndefined(templateBody: string): unknown {
  try {
    return JSON.parse(templateBody);
  } catch {
    // userSetOfTemplate reports a body that is not JSON, with the fix.
    return undefined;
  }
}

/** GetTemplate on a stack that was never created or was deleted: `ValidationError: Stack with id X does not exist`. */
function isStackMissing(error: unknown): boolean {
  return errorField(error, 'name') === 'ValidationError' && /does not exist/i.test(errorField(error, 'message') ?? '');
}

/** Error names of AWS calls refused for the caller's permissions. */
const ACCESS_DENIED_NAMES = new Set(['AccessDenied', 'AccessDeniedException']);

/** Error names of AWS calls that had no credentials, or credentials AWS does not accept. */
const NO_CREDENTIALS_NAMES = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
]);

const SKIP_HINT =
  'or give --deployed-state none (users removed from the declaration are then not dropped) or --deployed-state ' +
  '<template file>';

function stackReadFailure(stackName: string, region: string, account: string, cause: unknown): CliFailure {
  const name = errorField(cause, 'name') ?? '';
  const why = `plan and apply need cloudformation:GetTemplate on stack ${stackName} (${region}) to read its deployed user set, whose users missing from the declaration the next deploy drops`;
  if (ACCESS_DENIED_NAMES.has(name)) {
    return new CliFailure(
      'RDS_IAM_CLI_DEPLOYED_STATE_ACCESS_DENIED',
      `access denied to cloudformation:GetTemplate: ${why}. Fix: allow cloudformation:GetTemplate on ` +
        `arn:aws:cloudformation:${region}:${account}:stack/${stackName}/* to these credentials or use others (--profile), ${SKIP_HINT}`,
      { cause },
    );
  }
  if (NO_CREDENTIALS_NAMES.has(name)) {
    return new CliFailure(
      'RDS_IAM_CLI_DEPLOYED_STATE_NO_CREDENTIALS',
      `no valid AWS credentials (${name}): ${why}. Fix: sign in, or give --profile, ${SKIP_HINT}`,
      { cause },
    );
  }
  return new CliFailure(
    'RDS_IAM_CLI_DEPLOYED_STATE_UNREADABLE',
    `cannot read the deployed template of stack ${stackName} (${region}): ${errorField(cause, 'message') ?? String(cause)}. ` +
      `Fix: check the region (--region) and the network, ${SKIP_HINT}`,
    { cause },
  );
}

/**
 * A string field of a thrown value. Not `instanceof Error`: errors of Node's own modules come from another realm
 * under some runners (Jest), and an SDK error is recognised by its name anyway.
 */
function errorField(error: unknown, field: 'name' | 'message' | 'code' | 'failure'): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value: unknown = (error as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
