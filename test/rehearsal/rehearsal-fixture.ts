import type { Connection, RowDataPacket } from 'mysql2/promise';
import { PROVISIONER_RESOURCE_TYPE } from '../../lib/constructs/database-user-provisioner';
import type { EmulatorEngine, RunningEmulator } from '../../lib/emulator';
import { encodeUserSpecs, ProvisionerProperty } from '../../lib/contracts/provisioner/provisioner-properties';
import { accountSnapshot, openMasterSession, type AccountSnapshot } from '../../lib/rehearsal/database-inspection';
import { RehearsalSession } from '../../lib/rehearsal/rehearsal-session';
import type { RequestOutcome } from '../../lib/rehearsal/custom-resource-driver';
import type { PropertyOverride, StackOperationResult } from '../../lib/rehearsal/simulated-stack';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { useEmulator } from '../support/emulator';
import { useSynthesizedApp } from './synthesized-app';

/** The dev environment's stack: a new Aurora MySQL cluster with an RDS-managed master secret. */
export const DEV_STACK = 'RdsIamMysql-dev';

/**
 * For a describe block: the dev app (synthesized once per file: `useDevApp()`), one emulator of the engine, and a fresh rehearsal session of the dev stack per
 * test. After each test the server is resumed (a test may stop it), overrides are dropped, the stack is deleted and
 * the session closed.
 */
export function useDevRehearsal(
  engine: EmulatorEngine,
  cdkOut: () => string,
): { readonly session: () => RehearsalSession; readonly emulator: () => RunningEmulator } {
  const emulator = useEmulator({ engine, region: 'eu-west-1' });
  let session: RehearsalSession | undefined;
  beforeEach(async () => {
    session = await RehearsalSession.open({ assemblyDirectory: cdkOut(), stackName: DEV_STACK, server: emulator(), requestDeadlineMs: 90_000 });
  });
  afterEach(async () => {
    process.kill(emulator().pid, 'SIGCONT');
    if (session === undefined) return;
    session.stack.overrides.clear();
    if (session.stack.deployed.size > 0) await session.stack.delete();
    await session.close();
  });
  return {
    emulator,
    session: () => {
      if (session === undefined) throw new Error('no rehearsal session: call the getter inside a test');
      return session;
    },
  };
}

/** The dev app synthesized once for the calling test file, shared by its engines. */
export function useDevApp(): () => string {
  return useSynthesizedApp({ env: 'dev' });
}

/** The stack operation's first request (the Create, Update or Delete before any rollback). */
export function forwardRequest(result: StackOperationResult): RequestOutcome {
  const found = result.requests.find((request) => request.phase === 'forward');
  if (found === undefined) throw new Error(`${DEV_STACK}: no request was sent`);
  return found.outcome;
}

/** The logical id of the stack's one provisioner resource. */
export function usersResource(session: RehearsalSession): string {
  const found = session.stack.customResources.find((id) => session.stack.typeOf(id) === PROVISIONER_RESOURCE_TYPE);
  if (found === undefined) throw new Error(`${DEV_STACK} has no ${PROVISIONER_RESOURCE_TYPE}`);
  return found;
}

/** `count` users `prefix0001`…, each granted SELECT on one schema: three statements per user on a Create. */
export function generatedUsers(prefix: string, count: number): DatabaseUserSpec[] {
  return Array.from({ length: count }, (_, index) => ({
    username: `${prefix}${String(index + 1).padStart(4, '0')}`,
    grants: [{ on: 'rehearsal_db.*', privileges: ['SELECT'] }],
    requireSsl: true,
    removalPolicy: 'drop' as const,
    adoptExistingUser: false,
  }));
}

/** Replaces the declared user set, inline (a set kept in an object is edited with `session.variations.withUsers`). */
export function declareUsers(users: readonly DatabaseUserSpec[]): PropertyOverride {
  return (properties) => {
    const { [ProvisionerProperty.UsersObject]: _object, ...rest } = properties;
    return { ...rest, [ProvisionerProperty.Users]: encodeUserSpecs(users) };
  };
}

export function snapshotOf(server: RunningEmulator): Promise<AccountSnapshot> {
  return accountSnapshot(server);
}

/**
 * Polls the server's CREATE USER counter on one master session until it has grown by `count`, then calls `act`
 * (with the session, e.g. to KILL the provisioner's connection).
 */
export async function whenUsersCreated(server: RunningEmulator, count: number, act: (session: Connection) => Promise<void> | void): Promise<void> {
  const session = await openMasterSession(server);
  try {
    const counter = async (): Promise<number> => {
      const [rows] = await session.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Com_create_user'");
      return Number(rows[0]?.Value ?? 0);
    };
    const start = await counter();
    for (let polls = 0; polls < 6000; polls++) {
      if ((await counter()) - start >= count) {
        await act(session);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    throw new Error(`the server never ran ${count} CREATE USER statements`);
  } finally {
    await session.end().catch(() => session.destroy());
  }
}

/** Ends every other master session on the server (the provisioner's), as a lost server would. */
export async function killOtherMasterSessions(session: Connection, masterUser: string): Promise<number> {
  const [rows] = await session.query<RowDataPacket[]>(
    'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ? AND ID <> CONNECTION_ID()',
    [masterUser],
  );
  for (const row of rows) await session.query(`KILL CONNECTION ${Number(row.id)}`).catch(() => undefined);
  return rows.length;
}
