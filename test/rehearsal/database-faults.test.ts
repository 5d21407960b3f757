import { verifyDeclaredUsers } from '../../lib/rehearsal/database-inspection';
import { describeEachEngine } from '../support/emulator';
import type { RehearsalSession } from '../../lib/rehearsal/rehearsal-session';
import { RESPONSE_BODY_LIMIT_BYTES } from '../../lib/rehearsal/response-judgement';
import {
  declareUsers,
  forwardRequest as forward,
  generatedUsers,
  killOtherMasterSessions,
  snapshotOf,
  useDevApp,
  useDevRehearsal,
  usersResource,
  whenUsersCreated,
} from './rehearsal-fixture';


const cdkOut = useDevApp();

describeEachEngine('a rehearsed deploy whose database fails', (engine) => {
  const rehearsal = useDevRehearsal(engine, cdkOut);
  const emulator = rehearsal.emulator;
  /** A stall must end the deploy within this, naming what stalled. */
  const STALL_LIMIT_MS = 60_000;

  describe('a deploy whose database fails under it, rehearsed', () => {
    const session = (): RehearsalSession => rehearsal.session();
    it('leaves nothing behind when the connection is lost mid-Create, and a retry then creates every user', async () => {
      // Prepare: enough users that the Create is still running when the connection goes.
      const before = await snapshotOf(emulator());
      const users = generatedUsers('lost_', 150);
      session().stack.overrides.set(usersResource(session()), declareUsers(users));

      // Act: the server drops the provisioner's session after 20 users.
      const [result] = await Promise.all([
        session().stack.create(),
        whenUsersCreated(emulator(), 20, (admin) => killOtherMasterSessions(admin, emulator().adminUser).then(() => undefined)),
      ]);

      // Assess: either the Create recovered and holds every user, or it failed and its rollback undid it all.
      if (result.succeeded) {
        expect(await verifyDeclaredUsers(emulator(), users)).toEqual([]);
        await session().stack.delete();
      } else {
        expect(forward(result).status).toBe('FAILED');
        expect(result.requests.filter((request) => request.phase === 'rollback').map((request) => request.outcome.status)).toEqual(['SUCCESS']);
      }
      expect(await snapshotOf(emulator())).toEqual(before);
      const retry = await session().stack.create();
      expect(forward(retry).status).toBe('SUCCESS');
      expect(await verifyDeclaredUsers(emulator(), users)).toEqual([]);
    });

    it('fails a Create within 60 s, naming the stall, when the server stops answering mid-run; the rollback then leaves nothing', async () => {
      // Prepare
      const before = await snapshotOf(emulator());
      const logicalId = usersResource(session());
      session().stack.overrides.set(logicalId, declareUsers(generatedUsers('stall_', 150)));
      const properties = session().stack.propertiesOf(logicalId);
      const request = { requestType: 'Create' as const, logicalId, resourceType: session().stack.typeOf(logicalId), properties };

      // Act: mariadbd is stopped (SIGSTOP) after 20 users; it resumes once the Create has answered.
      const [create] = await Promise.all([
        session().stack.sendRaw(request),
        whenUsersCreated(emulator(), 20, () => {
          process.kill(emulator().pid, 'SIGSTOP');
        }),
      ]);
      process.kill(emulator().pid, 'SIGCONT');
      const rollback = await session().stack.sendRaw({ ...request, requestType: 'Delete', physicalResourceId: create.physicalResourceId });

      // Assess
      expect(create.status).toBe('FAILED');
      expect(create.durationMs).toBeLessThan(STALL_LIMIT_MS);
      expect(create.reason).toMatch(/stall|did not answer|no answer|not answer|silent|timed out/i);
      expect(rollback.status).toBe('SUCCESS');
      expect(await snapshotOf(emulator())).toEqual(before);
    });

    it('keeps every user when only the endpoint changes for the same database', async () => {
      // Prepare
      const created = await session().stack.create();
      expect(created.succeeded).toBe(true);
      const logicalId = usersResource(session());
      const deployedBefore = session().stack.deployed.get(logicalId);

      // Act: the same cluster, now reached as 127.0.0.1 (its certificate names both).
      for (const database of session().allDatabases()) database.endpointHost = '127.0.0.1';
      const updated = await session().stack.update();

      // Assess: one Update, same physical id, no clean-up Delete, every user still logs in.
      expect(updated.requests.map((request) => `${request.phase} ${request.outcome.request.requestType} ${request.outcome.status}`)).toEqual(['forward Update SUCCESS']);
      expect(forward(updated).physicalResourceId).toBe(deployedBefore?.physicalResourceId);
      expect(await verifyDeclaredUsers(emulator(), session().variations.declaredUsers(session().stack.propertiesOf(logicalId)))).toEqual([]);
    });

    it('answers both of two concurrent deliveries of one Update, and the database ends as declared', async () => {
      // Prepare
      expect((await session().stack.create()).succeeded).toBe(true);
      const logicalId = usersResource(session());
      const deployed = session().stack.deployed.get(logicalId);
      const users = generatedUsers('both_', 40);
      session().stack.overrides.set(logicalId, declareUsers(users));
      const update = {
        requestType: 'Update' as const,
        logicalId,
        resourceType: session().stack.typeOf(logicalId),
        properties: session().stack.propertiesOf(logicalId),
        oldProperties: deployed?.properties,
        physicalResourceId: deployed?.physicalResourceId,
      };

      // Act
      const answers = await Promise.all([session().stack.sendRaw(update), session().stack.sendRaw(update)]);

      // Assess: each answered within the limits; a failure says why; a final run converges exactly.
      for (const answer of answers) {
        expect(answer.problems).toEqual([]);
        expect(['SUCCESS', 'FAILED']).toContain(answer.status);
        if (answer.status === 'FAILED') expect(answer.reason?.length).toBeGreaterThan(0);
      }
      const converged = await session().stack.update({ force: [logicalId] });
      expect(forward(converged).status).toBe('SUCCESS');
      expect(await verifyDeclaredUsers(emulator(), users)).toEqual([]);
    });

    it('fits the failure of 300 invalid users in CloudFormation’s 4,096-byte response, naming the first', async () => {
      // Prepare: names MySQL cannot hold (33 characters), as a generator gone wrong would declare them.
      const invalid = generatedUsers('x'.repeat(29), 300);
      session().stack.overrides.set(usersResource(session()), declareUsers(invalid));

      // Act
      const result = await session().stack.create();

      // Assess
      const create = forward(result);
      expect(create.status).toBe('FAILED');
      expect(create.problems).toEqual([]);
      expect(create.responseBytes).toBeLessThanOrEqual(RESPONSE_BODY_LIMIT_BYTES);
      expect(create.reason).toContain(invalid[0].username);
    });
  });
});
