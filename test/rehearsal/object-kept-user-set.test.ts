/**
 * The whole lifecycle for a stack whose user set travels in an S3 object (700 users with the longest names: above
 * the 256 KiB kept inline): the provisioner reads each set from the rehearsal's S3, the lifecycle's edited sets become
 * new objects, and the rollback Update reads the old object again.
 */
import type { RunningEmulator } from '../../lib/emulator';
import { runLifecycle } from '../../lib/rehearsal/rehearsal-lifecycle';
import { RehearsalSession } from '../../lib/rehearsal/rehearsal-session';
import { startEmulator } from '../../lib/emulator';
import { templateUserSetObjects } from '../../lib/assembly/user-set-objects';
import { createLongNamedTables } from '../support/long-named-users';
import { SCALE_STACK, scaleTemplateBody, useScaleAssembly } from '../support/scale-assembly';
import { useEmulator } from '../support/emulator';

const cdkOut = useScaleAssembly(700);
const emulator = useEmulator({ engine: 'mariadb', region: 'eu-west-1' });

describe('a user set kept in an S3 object, through the whole lifecycle on mariadb', () => {
  it('passes every step, each set read from its own object, the rollback reading the old one again', async () => {
    // Prepare
    await createLongNamedTables(emulator());
    const [synthesized] = templateUserSetObjects(JSON.parse(scaleTemplateBody(cdkOut())));
    const replacements: RunningEmulator[] = [];
    const session = await RehearsalSession.open({ assemblyDirectory: cdkOut(), stackName: SCALE_STACK, server: emulator(), requestDeadlineMs: 300_000 });
    try {
      // Act
      const steps = await runLifecycle(session, {
        loginSample: 20,
        startReplacementServer: async () => {
          const server = await startEmulator({ engine: 'mariadb', region: 'eu-west-1' });
          replacements.push(server);
          await createLongNamedTables(server);
          return server;
        },
      });

      // Assess
      expect(steps.map((step) => ({ step: step.name, problems: step.problems }))).toEqual(steps.map((step) => ({ step: step.name, problems: [] })));
      expect(steps).toHaveLength(10);
      const reads = session.s3.reads;
      expect(reads.every((read) => read.status === 200)).toBe(true);
      const keys = [...new Set(reads.map((read) => read.key))];
      // The synthesized set and three edits (changed; changed and failing for the failed update; failing for the failed
      // create), each `<sha256>.json`, all from the bootstrap bucket.
      expect(keys).toContain(synthesized.Key);
      const edited = keys.filter((key) => key !== synthesized.Key);
      expect(edited).toHaveLength(3);
      for (const key of edited) expect(key).toMatch(/^[0-9a-f]{64}\.rds-iam-user-set$/);
      // The failed update and its rollback read the failing set's object and the deployed (old) one.
      const failedUpdate = steps.find((step) => step.name === 'failed update, rolled back');
      const during = reads.filter((read) => failedUpdate !== undefined && read.at >= failedUpdate.startedAt && read.at <= failedUpdate.startedAt + failedUpdate.durationMs);
      expect(new Set(during.map((read) => read.key)).size).toBe(2);
      expect(new Set(reads.map((read) => read.bucket))).toEqual(new Set(['cdk-hnb659fds-assets-111111111111-eu-west-1']));
    } finally {
      await session.close();
      await Promise.all(replacements.map((server) => server.stop()));
    }
  }, 600_000);
});
