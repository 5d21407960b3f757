import { optedInEveryDatabase } from '../support/user-specs';
import { Annotations as CoreAnnotations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { UNNEEDED_ACKNOWLEDGEMENT_ID } from '../../lib/constructs/broad-grant-warnings';
import { IamDatabaseUser, type IamDatabaseUserProps } from '../../lib/constructs/iam-database-user';
import { PROVISIONER_RESOURCE_TYPE } from '../../lib/provisioning/provisioner-properties';
import { BroadGrantRuleId } from '../../lib/review/broad-grant-rules';
import { ACKNOWLEDGED_WARNINGS_METADATA_KEY } from '../../lib/review/warning-acknowledgement';
import { databaseFixture } from '../support/database-fixtures';
import { declarationError } from '../support/declaration-error';
import { onlyResourceOfType } from '../support/template-queries';

type UserDeclaration = Omit<IamDatabaseUserProps, 'provisioner'>;

/** Declares users on a fixture database and returns the warnings `cdk synth` would print, as `id path message`. */
function synthWarnings(...users: UserDeclaration[]): { warnings: string[]; template: Template } {
  const { stack, provisioner } = databaseFixture();
  for (const user of users) new IamDatabaseUser(stack, `User-${user.username}`, { provisioner, ...user });
  const template = Template.fromStack(stack);
  const warnings = Annotations.fromStack(stack)
    .findWarning('*', Match.stringLikeRegexp('rds-iam-mysql:'))
    .map((warning) => `${warning.id} ${String(warning.entry.data)}`);
  return { warnings, template };
}

describe('synth-time warnings on broad grants', () => {
  it.each<[string, UserDeclaration, RegExp]>([
    [
      'a write privilege on *.*',
      { username: 'app_rw', ...optedInEveryDatabase({ privileges: ['SELECT', 'INSERT', 'DELETE'], on: '*.*' }) },
      /^\/Fixture\/User-app_rw database user app_rw may change every database, including ones created later: DELETE, INSERT ON \*\.\*\. Fix: grant on the databases it needs \('orders\.\*'\), or keep it and say why: acknowledgeWarnings: \[\{ id: 'rds-iam-mysql:WriteOnEveryDatabase', reason: '…' \}\] \[ack: rds-iam-mysql:WriteOnEveryDatabase\]$/,
    ],
    [
      'reading every database',
      { username: 'etl', ...optedInEveryDatabase({ privileges: ['SELECT'], on: '*.*' }) },
      /^\/Fixture\/User-etl database user etl may read every database, .* \[ack: rds-iam-mysql:ReadOnEveryDatabase\]$/,
    ],
    [
      'ALL on a database',
      { username: 'migrator', grants: [{ privileges: ['all'], on: 'orders.*' }] },
      /^\/Fixture\/User-migrator database user migrator holds ALL PRIVILEGES ON orders\.\*, DROP and ALTER included\. Fix: list the privileges it needs, .* \[ack: rds-iam-mysql:AllPrivileges\]$/,
    ],
  ])('warns about %s, with the user, the grant, the fix and the id to acknowledge', (_label, user, message) => {
    const { warnings } = synthWarnings(user);

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(message);
  });

  it('says nothing about grants on named databases and tables', () => {
    const { warnings } = synthWarnings(
      { username: 'app_rw', grants: [{ privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'ALTER'], on: 'orders.*' }] },
      { username: 'reporting_ro', grants: [{ privileges: ['SELECT'], on: 'audit.events' }] },
    );

    expect(warnings).toEqual([]);
  });

  it('is silent about an acknowledged grant, and records the reason in the provisioner resource metadata, not its properties', () => {
    // Act
    const { warnings, template } = synthWarnings(
      {
        username: 'migrator',
        grants: [{ privileges: ['ALL'], on: 'orders.*' }],
        acknowledgeWarnings: [{ id: BroadGrantRuleId.AllPrivileges, reason: ' runs the schema migrations of orders ' }],
      },
      { username: 'app_rw', ...optedInEveryDatabase({ privileges: ['SELECT', 'INSERT'], on: '*.*' }) },
    );

    // Assess
    expect(warnings).toEqual([expect.stringMatching(/^\/Fixture\/User-app_rw .*\[ack: rds-iam-mysql:WriteOnEveryDatabase\]$/)]);
    const resources = template.toJSON().Resources as Record<string, { Type: string; Metadata?: Record<string, unknown> }>;
    const provisioner = Object.values(resources).find((resource) => resource.Type === PROVISIONER_RESOURCE_TYPE)!;
    expect(provisioner.Metadata?.[ACKNOWLEDGED_WARNINGS_METADATA_KEY]).toEqual({
      migrator: [{ id: BroadGrantRuleId.AllPrivileges, reason: 'runs the schema migrations of orders' }],
    });
    expect(JSON.stringify(onlyResourceOfType(template, PROVISIONER_RESOURCE_TYPE).properties)).not.toContain('schema migrations');
  });

  it("also yields to aws-cdk-lib's own Annotations.acknowledgeWarning, which records no reason", () => {
    const { stack, provisioner } = databaseFixture();
    const user = new IamDatabaseUser(stack, 'User', { provisioner, username: 'etl', ...optedInEveryDatabase({ privileges: ['SELECT'], on: '*.*' }) });

    CoreAnnotations.of(user).acknowledgeWarning(BroadGrantRuleId.ReadOnEveryDatabase, 'reporting copies everything');

    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('rds-iam-mysql:'))).toEqual([]);
  });

  it('warns about an acknowledgement no grant needs', () => {
    const { warnings } = synthWarnings({
      username: 'reporting_ro',
      grants: [{ privileges: ['SELECT'], on: 'orders.*' }],
      acknowledgeWarnings: [{ id: BroadGrantRuleId.WriteOnEveryDatabase, reason: 'it used to write everywhere' }],
    });

    expect(warnings).toEqual([
      `/Fixture/User-reporting_ro database user reporting_ro acknowledges rds-iam-mysql:WriteOnEveryDatabase, but none of its grants raises it: remove the acknowledgement [ack: ${UNNEEDED_ACKNOWLEDGEMENT_ID}]`,
    ]);
  });

  it.each<[string, unknown, string]>([
    ['an unknown id', [{ id: 'AwsSolutions-IAM5', reason: 'because it is needed' }], 'acknowledgeWarnings[0].id = "AwsSolutions-IAM5": must be one of'],
    ['no reason', [{ id: BroadGrantRuleId.WriteOnEveryDatabase }], 'acknowledgeWarnings[0].reason = undefined: state why the grant is needed'],
    ['a blank reason', [{ id: BroadGrantRuleId.WriteOnEveryDatabase, reason: '          ' }], 'acknowledgeWarnings[0].reason = "          ": state why'],
  ])('refuses an acknowledgement with %s, naming the construct and the field', (_label, acknowledgeWarnings, message) => {
    const { stack, provisioner } = databaseFixture();

    const error = declarationError(
      () => new IamDatabaseUser(stack, 'User', {
        provisioner,
        username: 'app_rw',
        ...optedInEveryDatabase({ privileges: ['INSERT'], on: '*.*' }),
        acknowledgeWarnings: acknowledgeWarnings as IamDatabaseUserProps['acknowledgeWarnings'],
      }),
    );

    expect(error.message).toContain('Fixture/User: invalid database user declaration:');
    expect(error.message).toContain(message);
    expect(provisioner.userSpecs).toEqual([]);
  });
});
