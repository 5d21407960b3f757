import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readAssemblyUserSetObjects, readUserSetObjectsBesideTemplate, type UserSetObjectTexts } from '../assembly/user-set-objects';
import { isRecord, parseTemplateBody, type SynthesizedTemplate, TemplateReadError } from './cloudformation-template';

/**
 * The stack templates of a cloud assembly directory (`cdk.out`: every `aws:cloudformation:stack` artifact of its
 * `manifest.json`, nested assemblies of CDK stages included), or of one template file (stack named after the file),
 * with the user sets kept in S3 objects read from the assembly's file assets (beside a template file: its
 * `<stack>.assets.json`).
 */
export async function readSynthesizedTemplates(path: string): Promise<SynthesizedTemplate[]> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (cause) {
    throw new TemplateReadError(`${path} does not exist or cannot be read. Fix: give a cdk.out directory or a template file`, { cause });
  }
  if (isDirectory) return readAssembly(path);
  const template = await readTemplateFile(path, stackNameOfFile(path));
  return [{ ...template, userSetObjects: await userSetObjectsOrFail(readUserSetObjectsBesideTemplate(path, template.template)) }];
}

const STACK_ARTIFACT = 'aws:cloudformation:stack';
const NESTED_ASSEMBLY_ARTIFACT = 'cdk:cloud-assembly';
const ASSET_MANIFEST_ARTIFACT = 'cdk:asset-manifest';

async function readAssembly(directory: string): Promise<SynthesizedTemplate[]> {
  const manifestPath = join(directory, 'manifest.json');
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (cause) {
    throw new TemplateReadError(
      `${directory} is not a cloud assembly: ${manifestPath} is missing or not JSON. Fix: run \`npx cdk synth\` and give its output directory (cdk.out)`,
      { cause },
    );
  }
  const artifacts = isRecord(manifest) && isRecord(manifest.artifacts) ? manifest.artifacts : {};
  const templates: SynthesizedTemplate[] = [];
  for (const [artifactId, artifact] of Object.entries(artifacts)) {
    if (!isRecord(artifact) || !isRecord(artifact.properties)) continue;
    const { properties } = artifact;
    if (artifact.type === STACK_ARTIFACT && typeof properties.templateFile === 'string') {
      const stackName = typeof properties.stackName === 'string' ? properties.stackName : artifactId;
      const template = await readTemplateFile(join(directory, properties.templateFile), stackName);
      const manifests = assetManifestFiles(artifacts, artifact.dependencies, directory);
      templates.push({ ...template, userSetObjects: await userSetObjectsOrFail(readAssemblyUserSetObjects(template.template, manifests, template.origin)) });
    } else if (artifact.type === NESTED_ASSEMBLY_ARTIFACT && typeof properties.directoryName === 'string') {
      templates.push(...(await readAssembly(join(directory, properties.directoryName))));
    }
  }
  return templates;
}

/** The files of the asset manifests a stack artifact depends on (`<stack>.assets.json`). */
function assetManifestFiles(artifacts: Record<string, unknown>, dependencies: unknown, directory: string): string[] {
  return (Array.isArray(dependencies) ? dependencies : []).flatMap((dependency) => {
    const assets = typeof dependency === 'string' ? artifacts[dependency] : undefined;
    const file = isRecord(assets) && assets.type === ASSET_MANIFEST_ARTIFACT && isRecord(assets.properties) ? assets.properties.file : undefined;
    return typeof file === 'string' ? [join(directory, file)] : [];
  });
}

async function userSetObjectsOrFail(reading: Promise<UserSetObjectTexts>): Promise<UserSetObjectTexts> {
  return reading.catch((cause: unknown) => {
    throw new TemplateReadError(cause instanceof Error ? cause.message : String(cause), { cause });
  });
}

async function readTemplateFile(path: string, stackName: string): Promise<SynthesizedTemplate> {
  let body: string;
  try {
    body = await readFile(path, 'utf8');
  } catch (cause) {
    throw new TemplateReadError(`${path} cannot be read`, { cause });
  }
  return { stackName, template: parseTemplateBody(body, path), origin: path };
}

/** `cdk.out/RdsIamMysql-dev.template.json` → `RdsIamMysql-dev`. */
function stackNameOfFile(path: string): string {
  return basename(path).replace(/(\.template)?\.json$/, '');
}
