import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { performance } from 'node:perf_hooks';
import { encodeUserSpecs } from '../../lib/provisioning/provisioner-properties';
import { MAX_RESPONSE_BYTES } from '../../lambda/provisioner/cloudformation-response';
import { deleteScope } from '../../lambda/provisioner/physical-resource-id';
import { CLUSTER_RESOURCE_ID } from '../support/aws-shaped-values';
import { describeEachEngine } from '../support/emulator';
import { grantSnapshot, logEntries, ProvisionerFixture, SECRET_ARN, startProvisionerFixture, user } from './provisioner-fixture';

/**
 * Faults during a real run of the provisioner handler on the emulator: a server that stops answering mid-Create,
 * a run that reaches its deadline, a wrong master password, Secrets Manager refusing, and answers too large for
 * CloudFormation. Each is answered FAILED, within bounds, naming what happened, and leaves nothing behind.
 */

describeEachEngine('the provisioner handler facing faults', (engine) => {
  let fixture: ProvisionerFixture;

  beforeAll(async () => {
    fixture = await startProvisionerFixture(engine);
    await fixture.admin.query('CREATE DATABASE app');
  });

  afterAll(async () => {
    process.kill(fixture.emulator.pid, 'SIGCONT');
    await fixture?.stop();
  });

  function restoreMasterSecret(): void {
    fixture.secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({
      SecretString: JSON.stringify({ username: fixture.emulator.adminUser, password: fixture.emulator.adminPassword }),
    });
  }

  const declared = Array.from({ length: 20 }, (_, index) => user(`stall_${index}`, { grants: [{ on: 'app.*', privileges: ['SELECT'] }] }));

  /** Stops mysqld (SIGSTOP) once the handler has run `afterStatements` statements; resumes it when `resume()` is called. */
  function stopServerAfter(afterStatements: number): { resume: () => void } {
    let seen = 0;
    const originalPush = fixture.logLines.push.bind(fixture.logLines);
    fixture.logLines.push = (...lines: string[]): number => {
      for (const line of lines) {
        if (line.includes('"event":"statement"') && !line.includes('"undo":true')) {
          seen += 1;
          if (seen === afterStatements) process.kill(fixture.emulator.pid, 'SIGSTOP');
        }
      }
      return originalPush(...lines);
    };
    return {
      resume: () => {
        fixture.logLines.push = originalPush;
        process.kill(fixture.emulator.pid, 'SIGCONT');
      },
    };
  }

  describe('the provisioner handler when the server stops answering mid-Create', () => {
    it('fails within a minute naming the stall, and its rollback Delete then removes what the Create made', async () => {
      process.env.RDS_IAM_STALL_TIMEOUT_MS = '3000';
      const stop = stopServerAfter(7);
      const start = performance.now();
      let answer;
      try {
        answer = await fixture.send('Create', declared);
      } finally {
        delete process.env.RDS_IAM_STALL_TIMEOUT_MS;
        stop.resume();
      }

      expect(performance.now() - start).toBeLessThan(60_000);
      expect(answer.Status).toBe('FAILED');
      expect(answer.Reason).toMatch(/stopped answering/);
      // The undo could not run on the stopped server: the id tells the rollback Delete to finish it.
      expect(deleteScope(answer.PhysicalResourceId)).toEqual({ kind: 'undo-create', preexisting: new Set() });
      expect(answer.PhysicalResourceId.startsWith(`rds-iam-users:${CLUSTER_RESOURCE_ID}:undo-create`)).toBe(true);
      expect((await grantSnapshot(fixture.admin, declared.map((u) => u.username))).length).toBeGreaterThan(0);

      const rollback = await fixture.send('Delete', declared, [], answer.PhysicalResourceId);

      expect(rollback).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: answer.PhysicalResourceId });
      expect(await grantSnapshot(fixture.admin, declared.map((u) => u.username))).toEqual([]);
    });

    it('keeps the users that existed before the failed Create, and drops the retained ones it made', async () => {
      await fixture.send('Create', [user('already_here', { grants: [{ on: 'app.*', privileges: ['SELECT'] }] })]);
      const before = await grantSnapshot(fixture.admin, ['already_here']);
      const set = [user('already_here', { grants: [{ on: 'app.*', privileges: ['SELECT'] }] }), ...declared.slice(0, 5), user('kept_if_deployed', { removalPolicy: 'retain' })];
      process.env.RDS_IAM_STALL_TIMEOUT_MS = '3000';
      const stop = stopServerAfter(2);
      let answer;
      try {
        answer = await fixture.send('Create', set);
      } finally {
        delete process.env.RDS_IAM_STALL_TIMEOUT_MS;
        stop.resume();
      }
      expect(deleteScope(answer.PhysicalResourceId)).toEqual({ kind: 'undo-create', preexisting: new Set(['already_here']) });

      await fixture.send('Delete', set, [], answer.PhysicalResourceId);

      expect(await grantSnapshot(fixture.admin, set.map((u) => u.username))).toEqual(before);
    });
  });

  describe('the provisioner handler at its deadline', () => {
    it('answers FAILED before the Lambda timeout, naming the stage it was in, and runs nothing after the answer', async () => {
      const stop = stopServerAfter(3);
      let answer;
      const start = performance.now();
      try {
        // 12 s left: the guard answers 10 s before the timeout, so after about 2 s.
        answer = await fixture.sendRaw({ RequestType: 'Create', ResourceProperties: fixture.properties(declared) }, 12_000);
      } finally {
        stop.resume();
      }

      // Answered before the Lambda's 12 s were up (the guard answers 10 s before the timeout).
      expect(performance.now() - start).toBeLessThan(12_000);
      expect(answer.Status).toBe('FAILED');
      expect(answer.Reason).toMatch(/ran out of time after \d+s while running statement \d+ of \d+ \((create-user|grant) for user 'stall_\d+'\)/);
      expect(answer.Reason).toMatch(/RDS_IAM_PROVISIONER_TIMED_OUT/);
      expect(deleteScope(answer.PhysicalResourceId).kind).toBe('undo-create');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const statementsAfterAnswer = logEntries(fixture.logLines).filter((entry) => entry.event === 'statement' && entry.undo === true);
      expect(statementsAfterAnswer).toEqual([]);

      await fixture.send('Delete', declared, [], answer.PhysicalResourceId);
      expect(await grantSnapshot(fixture.admin, declared.map((u) => u.username))).toEqual([]);
    });
  });

  describe('the provisioner handler refused by its surroundings', () => {
    it('fails a Create on a wrong master password without touching the database, and its rollback Delete does nothing', async () => {
      fixture.secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({
        SecretString: JSON.stringify({ username: fixture.emulator.adminUser, password: 'an-Outdated-Pa55word' }),
      });

      const answer = await fixture.send('Create', declared).finally(restoreMasterSecret);

      expect(answer.Status).toBe('FAILED');
      expect(answer.Reason).toMatch(/refused the master credentials.*RDS_IAM_MASTER_CONNECTION_FAILED/s);
      expect(answer.Reason).not.toContain('an-Outdated-Pa55word');
      expect(deleteScope(answer.PhysicalResourceId)).toEqual({ kind: 'nothing' });
      expect((await fixture.send('Delete', declared, [], answer.PhysicalResourceId)).Status).toBe('SUCCESS');
    });

    it('fails a Create when Secrets Manager denies the read, naming the permission to grant', async () => {
      fixture.secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).rejects(
        Object.assign(new Error('User: arn:aws:sts::111111111111:assumed-role/Provisioner/fn is not authorized to perform: secretsmanager:GetSecretValue'), { name: 'AccessDeniedException', $metadata: {} }),
      );

      const answer = await fixture.send('Create', declared).finally(restoreMasterSecret);

      expect(answer.Status).toBe('FAILED');
      expect(answer.Reason).toMatch(/grant secretsmanager:GetSecretValue on the secret/);
      expect(deleteScope(answer.PhysicalResourceId)).toEqual({ kind: 'nothing' });
    });

    it('keeps a refusal of 300 invalid users within CloudFormation\'s 4,096-byte response, most useful part first', async () => {
      const invalid = Array.from({ length: 300 }, (_, index) => user(`bad user ${index} ${'x'.repeat(300)}`));

      const answer = await fixture.sendRaw({ RequestType: 'Create', ResourceProperties: { ...fixture.properties([]), Users: encodeUserSpecs(invalid) } });
      const raw = fixture.responses.received[fixture.responses.received.length - 1].body;

      expect(answer.Status).toBe('FAILED');
      expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
      expect(answer.Reason).toMatch(/^.{0,200}users\[0\]\.username/s);
    });
  });
});
