import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
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
  /** The directory of a file asset, by the S3 object key the template's `Code.S3Key` names. */
  readonly assetDirectoryByObjectKey: ReadonlyMap<string, string>;
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly properties?: { readonly templateFile?: string; readonly stackName?: string; readonly file?: string };
  readonly dependencies?: readonly string[];
}

interface AssetManifest {
  readonly files?: Readonly<
    Record<string, { readonly source: { readonly path?: string }; readonly destinations: Readonly<Record<string, { readonly objectKey: string }>> }>
  >;
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
    const manifest = JSON.parse(await readFile(join(directory, assets.properties.file), 'utf8')) as AssetManifest;
    for (const file of Object.values(manifest.files ?? {})) {
      if (file.source.path === undefined) continue;
      for (const destination of Object.values(file.destinations)) {
        assetDirectoryByObjectKey.set(destination.objectKey, resolve(directory, file.source.path));
      }
    }
  }
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
