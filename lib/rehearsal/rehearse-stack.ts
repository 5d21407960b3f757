import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator';
import { readAssemblyStack } from './cloud-assembly';
import { declaredEngine } from './declared-engine';
import { refuseUnmodelledLogins } from './modelled-logins';
import { runLifecycle, type LifecycleOptions } from './rehearsal-lifecycle';
import type { RehearsalReport, StepResult } from './rehearsal-report';
import { RehearsalSession } from './rehearsal-session';

export interface RehearseStackOptions {
  /** The cloud assembly `cdk synth` wrote, e.g. `cdk.out`. */
  readonly assemblyDirectory: string;
  readonly stackName: string;
  /**
   * How the database servers are started (e.g. another engine); the region is always the stack's.
   * @default - the engine the stack's user provisioners declare (their custom resource's `Engine`), otherwise the
   * emulator's defaults
   */
  readonly emulator?: Omit<EmulatorOptions, 'region'>;
  /** @see RehearsalSessionOptions.requestDeadlineMs */
  readonly requestDeadlineMs?: number;
  readonly onStep?: (step: StepResult) => void;
  /**
   * Called on each database server once it started, before the rehearsal uses it: to create the tables the declared
   * table grants name (MySQL refuses a table grant on a table that does not exist), as the real database has them.
   */
  readonly prepareServer?: (server: RunningEmulator) => Promise<void>;
  /** @see LifecycleOptions.scope */
  readonly scope?: LifecycleOptions['scope'];
  /** @see LifecycleOptions.loginSample */
  readonly loginSample?: number;
}

/**
 * Rehearses a synthesized stack's deployment: starts the emulator in the stack's region, runs CloudFormation's
 * lifecycle of the stack's custom resources through the exact bundles in the cloud assembly, and stops everything.
 */
export async function rehearseStack(options: RehearseStackOptions): Promise<RehearsalReport> {
  const stack = await readAssemblyStack(options.assemblyDirectory, options.stackName);
  refuseUnmodelledLogins(stack);
  const engine = options.emulator?.engine ?? declaredEngine(stack);
  const servers: RunningEmulator[] = [];
  const startServer = async (): Promise<RunningEmulator> => {
    const server = await startEmulator({ ...options.emulator, ...(engine === undefined ? {} : { engine }), region: stack.region });
    servers.push(server);
    await options.prepareServer?.(server);
    return server;
  };
  try {
    const session = await RehearsalSession.open({
      assemblyDirectory: options.assemblyDirectory,
      stackName: options.stackName,
      server: await startServer(),
      requestDeadlineMs: options.requestDeadlineMs,
    });
    try {
      const steps = await runLifecycle(session, {
        startReplacementServer: startServer,
        onStep: options.onStep,
        scope: options.scope,
        loginSample: options.loginSample,
      });
      return {
        stackName: options.stackName,
        steps,
        notRehearsed: session.stack.notRehearsed,
        proxies: await session.proxies.tallies(),
        ok: steps.length > 0 && steps.every((step) => step.ok),
      };
    } finally {
      await session.close();
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}
