import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STACK_ENVIRONMENT_METADATA } from '../constructs/stack-environment-name';
import { CliFailure } from './cli-context';

/**
 * `--env NAME`: the stack of a synthesized cloud assembly that its app named environment NAME with
 * `nameStackEnvironment(stack, NAME)` (assembly metadata, see lib/constructs/stack-environment-name.ts). The CLI knows
 * no app's environments itself; it reads what the app wrote into `cdk.out`.
 */
export async function environmentStackName(directory: string, environment: string): Promise<string> {
  const stacks = await readStackEnvironments(directory, environment);
  const named = stacks.filter((stack) => stack.environments.includes(environment));
  if (named.length === 1) return named[0].stackName;
  const quoted = JSON.stringify(environment.slice(0, 64));
  if (named.length > 1) {
    throw new CliFailure(
      'RDS_IAM_CLI_USAGE',
      `--env ${quoted}: the stacks ${named.map((stack) => stack.stackName).join(', ')} of ${directory} are all named environment ${quoted}. ` +
        'Fix: give one with --stack <name>',
    );
  }
  const known = [...new Set(stacks.flatMap((stack) => stack.environments))];
  throw new CliFailure(
    'RDS_IAM_CLI_USAGE',
    `--env ${quoted}: no stack of the cloud assembly ${directory} is named environment ${quoted} ` +
      `(environments: ${known.join(', ') || 'none'}; stacks: ${stacks.map((stack) => stack.stackName).join(', ') || 'none'}). ` +
      'Fix: synthesize the app that declares it (npx cdk synth) and give its output with --app <dir>, have the app call ' +
      'nameStackEnvironment(stack, name) for each environment stack, or give --stack <name> or --template <file>',
  );
}

interface StackEnvironments {
  readonly stackName: string;
  readonly environments: readonly string[];
}

interface ManifestArtifact {
  readonly type?: string;
  readonly properties?: { readonly stackName?: string };
  readonly metadata?: Readonly<Record<string, readonly MetadataEntry[]>>;
  readonly additionalMetadataFile?: string;
}

interface MetadataEntry {
  readonly type?: string;
  readonly data?: unknown;
}

async function readStackEnvironments(directory: string, environment: string): Promise<StackEnvironments[]> {
  const manifestFile = join(directory, 'manifest.json');
  const manifest = await readJson<{ artifacts?: Record<string, ManifestArtifact> }>(manifestFile).catch((cause: unknown) => {
    throw new CliFailure(
      'RDS_IAM_CLI_USAGE',
      `--env ${JSON.stringify(environment.slice(0, 64))} is looked up in a synthesized cloud assembly, and ${manifestFile} ` +
        'cannot be read. Fix: run `npx cdk synth` first, or give the assembly directory with --app <dir>',
      { cause },
    );
  });
  const stacks: StackEnvironments[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    // Newer CLIs move the metadata out of manifest.json into a file of its own.
    const metadata = artifact.additionalMetadataFile === undefined
      ? artifact.metadata ?? {}
      : { ...artifact.metadata, ...(await readJson<Record<string, readonly MetadataEntry[]>>(join(directory, artifact.additionalMetadataFile))) };
    const environments = Object.values(metadata)
      .flat()
      .filter((entry) => entry.type === STACK_ENVIRONMENT_METADATA && typeof entry.data === 'string')
      .map((entry) => entry.data as string);
    stacks.push({ stackName: artifact.properties?.stackName ?? id, environments });
  }
  return stacks;
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}
