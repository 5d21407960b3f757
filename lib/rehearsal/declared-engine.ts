import { EMULATOR_ENGINES, type EmulatorEngine } from '../emulator';
import { PROVISIONER_RESOURCE_TYPE, ProvisionerProperty } from '../provisioning/provisioner-properties';
import { readAssemblyStack, type AssemblyStack } from './cloud-assembly';
import { RehearsalError } from './rehearsal-error';

/** The engine a rehearsal runs on, and where that choice came from (for the line the CLI prints). */
export interface RehearsalEngine {
  /** Undefined when neither the request nor the stack says: the emulator's default. */
  readonly engine?: EmulatorEngine;
  /** `requested`: `--engine`; `declared`: the stack's user provisioners; `default`: neither says. */
  readonly source: 'requested' | 'declared' | 'default';
}

/**
 * The engine the stack's user provisioners declare (their custom resource's `Engine` property, `mysql` for Aurora MySQL
 * and RDS for MySQL, `mariadb` for RDS for MariaDB), or undefined when it has none.
 * @throws RehearsalError when its databases declare different engines: one emulator serves them all, so say which
 */
export function declaredEngine(stack: AssemblyStack): EmulatorEngine | undefined {
  const declared = new Set<EmulatorEngine>();
  for (const resource of Object.values(stack.template.Resources)) {
    if (resource.Type !== PROVISIONER_RESOURCE_TYPE) continue;
    const engine = resource.Properties?.[ProvisionerProperty.Engine];
    const known = EMULATOR_ENGINES.find((name) => name === engine);
    if (known !== undefined) declared.add(known);
  }
  if (declared.size > 1) {
    throw new RehearsalError(
      'RDS_IAM_REHEARSAL_MIXED_ENGINES',
      `stack ${stack.stackName} declares databases of several engines (${[...declared].sort().join(', ')}); the rehearsal runs one emulator: choose its engine with --engine`,
    );
  }
  const [engine] = declared;
  return engine;
}

/** `requested` when given, otherwise the engine the stack in the assembly declares, otherwise the emulator's default. */
export async function rehearsalEngine(assemblyDirectory: string, stackName: string, requested?: EmulatorEngine): Promise<RehearsalEngine> {
  if (requested !== undefined) return { engine: requested, source: 'requested' };
  const engine = declaredEngine(await readAssemblyStack(assemblyDirectory, stackName));
  return engine === undefined ? { source: 'default' } : { engine, source: 'declared' };
}
