import { environmentStackName, listEnvironments } from '../../app/environments';
import { rehearseStack } from '../../lib/rehearsal/rehearse-stack';
import { describeEachEngine } from '../support/emulator';
import { useSynthesizedApp } from './synthesized-app';

const cdkOut = useSynthesizedApp();

/** Every step the lifecycle runs, in order: none may be skipped. */
const LIFECYCLE = [
  'create',
  'update, properties unchanged',
  'update, users changed',
  'failed update, rolled back',
  'replacement (another database)',
  'endpoint change, same database',
  'delete',
  'failed create, rolled back',
  'create again after the rollback',
  'delete, leaving the database as found',
];

/** The steps that verify the deployed users: after each, every user an RDS Proxy lets through logs in through it. */
const VERIFYING_STEPS = LIFECYCLE.filter((step) => !step.startsWith('delete') && step !== 'failed create, rolled back');

/** The RDS Proxies each shipped environment declares in front of its database, and the users they let through. */
const PROXIES: Readonly<Record<string, readonly { readonly name: string; readonly users: number }[]>> = {
  'RdsIamMysql-dev': [{ name: 'orders-dev-proxy', users: 1 }],
};

describeEachEngine('the rehearsal of every shipped environment, from a real cdk synth', (engine) => {
  it.each(listEnvironments().map((environment) => environmentStackName(environment)))(
    '%s goes through the whole lifecycle under Node.js 24 with every step sound',
    async (stackName) => {
      // Act
      const report = await rehearseStack({ assemblyDirectory: cdkOut(), stackName, emulator: { engine }, requestDeadlineMs: 90_000 });

      // Assess: every step ran and found nothing wrong (the matcher prints each step's problems when not).
      expect(report.steps.map((step) => ({ step: step.name, problems: step.problems }))).toEqual(LIFECYCLE.map((step) => ({ step, problems: [] })));
      expect(report.ok).toBe(true);
      const create = report.steps[0];
      expect(create.statements).toBeGreaterThan(0);
      expect(report.steps[1].statements).toBe(0);
      // Through each proxy, with tokens signed for its endpoint, once per user it lets through per verifying step.
      expect(report.proxies).toEqual(
        (PROXIES[stackName] ?? []).map((proxy) => ({
          name: proxy.name,
          endpoint: `${proxy.name}.proxy-c9akciq32xyz.eu-west-1.rds.amazonaws.com:3306`,
          accepted: proxy.users * VERIFYING_STEPS.length,
          refused: 0,
        })),
      );
    },
    300_000,
  );
});
