import type { RunningEmulator } from '../../lib/emulator';
import { describeEachEngine } from '../support/emulator';
import type { RehearsalSession } from '../../lib/rehearsal/rehearsal-session';
import type { RequestOutcome } from '../../lib/rehearsal/custom-resource-driver';
import { forwardRequest, snapshotOf, useDevApp, useDevRehearsal } from './rehearsal-fixture';

const cdkOut = useDevApp();

describeEachEngine('a rehearsed deploy whose master secret fails', (engine) => {
  const rehearsal = useDevRehearsal(engine, cdkOut);
  const emulator = rehearsal.emulator;
  const session = (): RehearsalSession => rehearsal.session();

  /** A stall must end the deploy well before the Lambda timeout, naming its cause. */
  const STALL_LIMIT_MS = 60_000;

  /** Runs the stack's Create; returns the forward Create's outcome. */
  async function createStack(): Promise<{ readonly succeeded: boolean; readonly create: RequestOutcome }> {
    const result = await session().stack.create();
    return { succeeded: result.succeeded, create: forwardRequest(result) };
  }

  async function expectFailedCreateLeftNothing(server: RunningEmulator, before: readonly string[], pattern: RegExp): Promise<void> {
    const { succeeded, create } = await createStack();
    expect(succeeded).toBe(false);
    expect(create.status).toBe('FAILED');
    expect(create.reason).toMatch(pattern);
    expect(create.problems).toEqual([]);
    expect(create.durationMs).toBeLessThan(STALL_LIMIT_MS);
    expect(await snapshotOf(server)).toEqual(before);
  }

  describe('a deploy whose master secret cannot be read, rehearsed', () => {
    it('fails the Create with the cause named when nothing listens for Secrets Manager, and a retry succeeds once it is back', async () => {
      // Prepare
      const before = await snapshotOf(emulator());
      await session().secretsManager.setFault({ kind: 'refused' });

      // Act / Assess
      await expectFailedCreateLeftNothing(emulator(), before, /Secrets Manager/i);
      await session().secretsManager.setFault({ kind: 'none' });
      const retry = await createStack();
      expect(retry.create.status).toBe('SUCCESS');
    });

    it('fails within 60 s, saying Secrets Manager did not answer, when it accepts the connection and stays silent', async () => {
      const before = await snapshotOf(emulator());
      await session().secretsManager.setFault({ kind: 'silent' });

      await expectFailedCreateLeftNothing(emulator(), before, /Secrets Manager/i);
      expect(session().secretsManager.requests.length).toBeGreaterThan(0);
    });

    it('succeeds when Secrets Manager answers slowly but within its time', async () => {
      await session().secretsManager.setFault({ kind: 'slow', delayMs: 1_500 });

      const { succeeded, create } = await createStack();

      expect({ status: create.status, problems: create.problems }).toEqual({ status: 'SUCCESS', problems: [] });
      expect(succeeded).toBe(true);
    });

    it('fails the Create naming the missing permission when Secrets Manager denies access', async () => {
      const before = await snapshotOf(emulator());
      await session().secretsManager.setFault({ kind: 'denied' });

      await expectFailedCreateLeftNothing(emulator(), before, /GetSecretValue|not authorized|access/i);
    });

    it('fails the Create without echoing the password when the secret holds a wrong master password', async () => {
      // Prepare: the secret as it is after someone changed the master password by hand.
      const before = await snapshotOf(emulator());
      const database = [...session().databases.created.values()][0];
      const wrongPassword = 'Wr0ngMasterPassword-rehearsal-7f3a';
      session().secretsManager.putSecret(database.masterSecretArn, JSON.stringify({ username: database.masterUsername, password: wrongPassword }));

      // Act
      const { succeeded, create } = await createStack();

      // Assess
      expect(succeeded).toBe(false);
      expect(create.status).toBe('FAILED');
      expect(create.reason).toMatch(/master|credential|password|denied/i);
      expect(JSON.stringify(create.event)).not.toContain(wrongPassword);
      expect(`${create.reason ?? ''}${create.invocations.map((invocation) => invocation.logs).join('')}`).not.toContain(wrongPassword);
      expect(await snapshotOf(emulator())).toEqual(before);
    });
  });
});
