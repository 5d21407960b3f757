import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { EnvironmentConfig } from '../../app/environments/environment-config';
import { environmentStackName } from '../../app/environments';
import { IamDatabaseStack } from '../../app/stacks/iam-database-stack';
import { CDK_JSON_CONTEXT } from './cdk-json-context';
import type { SynthesizedTemplate } from '../../lib/review/cloudformation-template';

/**
 * cdk.json's context plus what makes bundling assets (NodejsFunction and the like) skip their bundling: for tests about
 * the template. This library's own functions deploy prebuilt bundles and are not affected.
 */
export const SKIP_BUNDLING_CONTEXT = { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] as string[] };

/**
 * aws-cdk-lib's built-in CloudFormation linter (warnings only unless a feature flag is set) loads a 10 MB rule
 * engine: 5-10 s per test file on two cores. Tests assert on the template themselves, so they leave it out.
 */
export const TEST_APP_PROPS = { builtinCloudFormationValidation: false, context: CDK_JSON_CONTEXT } as const;

export interface SynthesizedStack<S extends Stack = Stack> {
  readonly stack: S;
  readonly template: Template;
  /** cdk-nag AwsSolutions errors left unsuppressed, as `<path> <message>` lines. */
  readonly nagErrors: string[];
}

/** Synthesizes one stack with the cdk-nag AwsSolutions pack applied, once: tests share the result. */
export function synthesizeWithNag<S extends Stack>(app: App, stack: S): SynthesizedStack<S> {
  Aspects.of(app).add(new AwsSolutionsChecks());
  const template = Template.fromStack(stack);
  const nagErrors = Annotations.fromStack(stack)
    .findError('*', Match.stringLikeRegexp('AwsSolutions-'))
    .map((finding) => `${finding.id} ${String(finding.entry.data)}`);
  return { stack, template, nagErrors };
}

/** An environment's stack, synthesized with cdk-nag. */
export function synthesizeEnvironment(
  environment: EnvironmentConfig,
  options: { bundle: boolean } = { bundle: true },
): SynthesizedStack<IamDatabaseStack> {
  const app = new App({ ...TEST_APP_PROPS, context: options.bundle ? CDK_JSON_CONTEXT : SKIP_BUNDLING_CONTEXT });
  const stack = new IamDatabaseStack(app, environmentStackName(environment), { environmentConfig: environment });
  return synthesizeWithNag(app, stack);
}

/**
 * Synthesizes environments into a cloud assembly directory, as `npx cdk synth` writes cdk.out (bundling skipped:
 * asset hashes are no concern of the templates' access).
 */
export function writeEnvironmentsAssembly(environments: readonly EnvironmentConfig[], outdir: string): void {
  const app = new App({ ...TEST_APP_PROPS, outdir, context: SKIP_BUNDLING_CONTEXT });
  for (const environment of environments) {
    new IamDatabaseStack(app, environmentStackName(environment), { environmentConfig: environment });
  }
  app.synth();
}

/**
 * A new temporary directory holding the environments' cloud assembly, for the CLI's `--env NAME --app DIR` (each
 * stack named its environment, as app/app.ts names them). The caller removes it.
 */
export function environmentsAssemblyDirectory(environments: readonly EnvironmentConfig[]): string {
  const outdir = mkdtempSync(join(tmpdir(), 'rds-iam-assembly-'));
  writeEnvironmentsAssembly(environments, outdir);
  return outdir;
}

/** Each environment's synthesized template (bundling skipped), as the access review reads it. */
export function environmentTemplates(environments: readonly EnvironmentConfig[]): SynthesizedTemplate[] {
  const app = new App({ ...TEST_APP_PROPS, context: SKIP_BUNDLING_CONTEXT });
  return environments.map((environment) => {
    const stackName = environmentStackName(environment);
    const stack = new IamDatabaseStack(app, stackName, { environmentConfig: environment });
    return { stackName, template: Template.fromStack(stack).toJSON(), origin: `${stackName}.template.json` };
  });
}
