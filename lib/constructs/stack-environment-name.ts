import type { IConstruct } from 'constructs';
import { IamDatabaseDeclarationError } from './declaration-error';

/**
 * The cloud assembly metadata type under which a stack names the environment it deploys. The `rds-iam` CLI reads
 * it (`lib/cli/environment-stack.ts`) without loading aws-cdk-lib: this module imports types only.
 */
export const STACK_ENVIRONMENT_METADATA = 'rds-iam:environment';

/** Environment names the CLI accepts after `--env`. */
export const ENVIRONMENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Names the environment a stack deploys (`dev`, `prod`), so the `rds-iam` CLI finds the stack by that name in a
 * synthesized cloud assembly: `rds-iam plan --env dev` is `rds-iam plan --stack <the stack named dev>`. Written to
 * the assembly's metadata (`cdk.out/<stack>.metadata.json`), not to the template: deploys and snapshots do not change.
 *
 * @example
 * const stack = new Stack(app, 'Orders-dev', { env });
 * nameStackEnvironment(stack, 'dev');
 */
export function nameStackEnvironment(stack: IConstruct, name: string): void {
  if (typeof name !== 'string' || !ENVIRONMENT_NAME_PATTERN.test(name)) {
    throw new IamDatabaseDeclarationError(
      stack,
      `environment name ${JSON.stringify(String(name).slice(0, 64))} is not usable after --env: give 1 to 64 letters, ` +
        'digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
  stack.node.addMetadata(STACK_ENVIRONMENT_METADATA, name);
}
