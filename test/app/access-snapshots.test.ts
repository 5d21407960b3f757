import { listEnvironments } from '../../app/environments';
import { formatAccessText } from '../../lib/review/access-text';
import { buildAccessModel } from '../../lib/review/build-access-model';
import type { EnvironmentConfig } from '../../app/environments/environment-config';
import { withPrivilegeAdded, withUserChanged } from '../support/environment-variants';
import { environmentTemplates } from '../support/synth-stacks';

/**
 * The access each environment deploys, read from its synthesized template, one fact per line: the snapshot a reviewer
 * reads in a pull request. Update with `npm run snapshots:update`.
 */

/** Access text, printed into the snapshot file as its lines (no quotes, no JSON). */
class AccessText {
  constructor(public readonly text: string) {}
}

expect.addSnapshotSerializer({
  test: (value: unknown) => value instanceof AccessText,
  serialize: (value: AccessText) => value.text.trimEnd(),
});

function accessText(environments: readonly EnvironmentConfig[], name: string): string {
  const environment = environments.find((candidate) => candidate.name === name)!;
  return formatAccessText(buildAccessModel(environmentTemplates([environment])));
}

/** The lines of `after` that differ from `before`, when both have the same number of lines. */
function changedLines(before: string, after: string): { before: string; after: string }[] {
  const [a, b] = [before.split('\n'), after.split('\n')];
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, index) => (line === b[index] ? [] : [{ before: line, after: b[index] }]));
}

const shipped = listEnvironments();

describe.each(shipped.map((environment) => environment.name))('the access of the %s environment', (name) => {
  it('matches the access snapshot', () => {
    expect(new AccessText(accessText(shipped, name))).toMatchSnapshot();
  });
});

describe('one change in the shipped config, one line of access text', () => {
  it.each(shipped.map((environment) => environment.name))('adding DELETE to reporting_ro in %s changes exactly its grant line', (name) => {
    // Act
    const before = accessText(shipped, name);
    const after = accessText(withUserChanged(shipped, name, 'reporting_ro', withPrivilegeAdded('DELETE')), name);

    // Assess
    const [changed, ...others] = changedLines(before, after);
    expect(others).toEqual([]);
    expect(changed.before).toMatch(/^- user reporting_ro: grant SELECT(, SHOW VIEW)? ON orders\.\*$/);
    expect(changed.after).toBe(changed.before.replace('grant SELECT', 'grant DELETE, SELECT'));
  });

  it('removing a privilege, or changing TLS, removal or adoption, changes exactly one line too', () => {
    const before = accessText(shipped, 'dev');
    const variants: [string, Parameters<typeof withUserChanged>[3], RegExp][] = [
      ['privilege removed', (user) => ({ ...user, grants: [{ ...user.grants[0], privileges: user.grants[0].privileges.filter((p) => p !== 'ALTER') }] }), /^- user app_rw: grant DELETE, INSERT, SELECT, UPDATE ON orders\.\*$/],
      ['TLS', (user) => ({ ...user, requireSsl: false }), /^- user app_rw: login AWSAuthenticationPlugin, REQUIRE NONE/],
      ['removal', (user) => ({ ...user, removalPolicy: 'retain' }), /^- user app_rw: on removal: retain/],
      ['adoption', (user) => ({ ...user, adoptExistingUser: true }), /^- user app_rw: same-named user of another plugin: adopted/],
    ];
    for (const [, change, expected] of variants) {
      const after = accessText(withUserChanged(shipped, 'dev', 'app_rw', change), 'dev');
      const lines = changedLines(before, after);
      expect(lines).toHaveLength(1);
      expect(lines[0].after).toMatch(expected);
    }
  });

  it('adding a user adds only lines that name it', () => {
    const before = accessText(shipped, 'dev').split('\n');
    const withAudit = shipped.map((environment) =>
      environment.name === 'dev'
        ? { ...environment, users: [...environment.users, { username: 'audit_ro', grants: [{ privileges: ['SELECT'], on: 'audit.*' }], connectRoles: ['Analyst'] }] }
        : environment,
    );
    const after = accessText(withAudit, 'dev').split('\n');

    const added = after.filter((line) => !before.includes(line));
    expect(after.filter((line) => before.includes(line))).toEqual(before);
    expect(added.length).toBeGreaterThan(0);
    for (const line of added) expect(line).toMatch(/^- user audit_ro: /);
  });
});
