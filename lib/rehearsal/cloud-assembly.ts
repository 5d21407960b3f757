import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileAssetPathsByObjectKey } from '../assembly/asset-manifest';
import { assemblyObjectReader, readUserSetObjects, type UserSetObjectTexts } from '../assembly/user-set-objects';
import type { CloudFormationTemplate } from './cloudformation-template';
import { RehearsalError } from './rehearsal-error';

/** One stack of a synthesized cloud assembly (`cdk.out`), as `cdk deploy` would read it. */
export interface AssemblyStack {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  /** The account and region the stack was synthesized for, when it names them (not environment-agnostic). */
  readonly declaredEnvironment?: { readonly account?: string; readonly region?: string };
  readonly template: CloudFormationTemplate;
  /** The directory (or file) of a file asset, by the S3 object key the template names (`Code.S3Key`, `UsersObject.Key`). */
  readonly assetDirectoryByObjectKey: ReadonlyMap<string, string>;
  /** The user sets kept in S3 objects (`UsersObject`), read from their file assets and checked against their SHA-256. */
  readonly userSetObjects: UserSetObjectTexts;
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly properties?: { readonly templateFile?: string; readonly stackName?: string; readonly file?: string };
  readonly dependencies?: readonly string[];
}

/** Environment-agnostic stacks (`aws://unknown-account/unknown-region`) are rehearsed in this account and region. */
const AGNOSTIC_ACCOUNT = '123456789012';
const AGNOSTIC_REGION = 'us-east-1';

/** Names of the stacks in the assembly at `directory`, in manifest order. */
export async function listAssemblyStacks(directory: string): Promise<string[]> {
  const artifacts = await readManifest(directory);
  return Object.entries(artifacts)
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([id, artifact]) => artifact.properties?.stackName ?? id);
}

/**
 * Reads one stack: its template, account and region, and where each asset's files are.
 * @throws RehearsalError when the directory is no cloud assembly or holds no such stack, naming the fix.
 */
export async function readAssemblyStack(directory: string, stackName: string): Promise<AssemblyStack> {
  const artifacts = await readManifest(directory);
  const entry = Object.entries(artifacts).find(
    ([id, artifact]) => artifact.type === 'aws:cloudformation:stack' && (artifact.properties?.stackName ?? id) === stackName,
  );
  if (entry === undefined) {
    const names = await listAssemblyStacks(directory);
    throw new RehearsalError(
      'RDS_IAM_REHEARSAL_NO_STACK',
      `the cloud assembly ${directory} has no stack ${JSON.stringify(stackName.slice(0, 64))}; it has: ${names.join(', ') || 'none'}. ` +
        'Synthesize it first (npx cdk synth), or name one of those',
    );
  }
  const [, artifact] = entry;
  const templateFile = artifact.properties?.templateFile;
  if (templateFile === undefined) throw noAssembly(directory, `stack ${stackName} has no templateFile`);
  const template = JSON.parse(await readFile(join(directory, templateFile), 'utf8')) as CloudFormationTemplate;
  const [, account, region] = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '') ?? [];
  const assetDirectoryByObjectKey = new Map<string, string>();
  for (const dependency of artifact.dependencies ?? []) {
    const assets = artifacts[dependency];
    if (assets?.type !== 'cdk:asset-manifest' || assets.properties?.file === undefined) continue;
    for (const [key, path] of await fileAssetPathsByObjectKey(join(directory, assets.properties.file))) assetDirectoryByObjectKey.set(key, path);
  }
  const userSetObjects = await readUserSetObjects(template, assemblyObjectReader(assetDirectoryByObjectKey, `${directory}/${stackName}`)).catch((cause: unknown) => {
    throw new RehearsalError('RDS_IAM_REHEARSAL_NO_ASSEMBLY', `stack ${stackName}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  });
  return {
    stackName,
    declaredEnvironment: {
      account: account === undefined || account.startsWith('unknown') ? undefined : account,
      region: region === undefined || region.startsWith('unknown') ? undefined : region,
    },
    account: account === undefined || account.startsWith('unknown') ? AGNOSTIC_ACCOUNT : account,
    region: region === undefined || region.startsWith('unknown') ? AGNOSTIC_REGION : region,
    template,
    assetDirectoryByObjectKey,
    userSetObjects,
  };
}

async function readManifest(directory: string): Promise<Readonly<Record<string, ManifestArtifact>>> {
  const manifestFile = join(directory, 'manifest.json');
  if (!existsSync(manifestFile)) throw noAssembly(directory, 'it has no manifest.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { artifacts?: Record<string, ManifestArtifact> };
  return manifest.artifacts ?? {};
}

function noAssembly(directory: string, why: string): RehearsalError {
  return new RehearsalError(
    'RDS_IAM_REHEARSAL_NO_ASSEMBLY',
    `${directory} is not a synthesized cloud assembly (${why}): run npx cdk synth first, or give its directory with --app`,
  );
}
