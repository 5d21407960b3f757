import { optedInEveryDatabase } from '../support/user-specs';
import { PolicyStatement, Role, AccountRootPrincipal } from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { type AccessDiff, diffAccess, isUnchanged } from '../../lib/review/access-diff';
import { formatAccessDiffMarkdown } from '../../lib/review/access-diff-markdown';
import type { AccessModel } from '../../lib/review/access-model';
import { BroadGrantRuleId } from '../../lib/review/broad-grant-rules';
import { buildAccessModel } from '../../lib/review/build-access-model';
import { accessFixtureTemplate, type AccessFixtureDeclaration, type FixtureUser } from '../support/access-fixture';

const APP_RW: FixtureUser = { username: 'app_rw', grants: [{ privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'], on: 'orders.*' }], connectRoles: ['Api'] };
const REPORTING_RO: FixtureUser = { username: 'reporting_ro', grants: [{ privileges: ['SELECT'], on: 'orders.*' }], connectRoles: ['Analyst'] };
const LEGACY: FixtureUser = { username: 'legacy', grants: [{ privileges: ['SELECT'], on: 'legacy.*' }], removalPolicy: 'retain' };
const BASE: AccessFixtureDeclaration = { users: [APP_RW, REPORTING_RO, LEGACY] };

/** The base with one user replaced (or removed with `undefined`), or others appended. */
function changed(username: string, replacement: Partial<FixtureUser> | undefined, extra: Partial<AccessFixtureDeclaration> = {}): AccessFixtureDeclaration {
  const users = BASE.users.flatMap((user) => (user.username !== username ? [user] : replacement === undefined ? [] : [{ ...user, ...replacement }]));
  return { ...BASE, ...extra, users: [...users, ...(extra.users ?? [])] };
}

const model = (declaration: AccessFixtureDeclaration): AccessModel => buildAccessModel([accessFixtureTemplate(declaration)]);

let baseModel: AccessModel;
beforeAll(() => {
  baseModel = model(BASE);
});

function diffTo(head: AccessFixtureDeclaration | AccessModel): { diff: AccessDiff; markdown: string } {
  const diff = diffAccess(baseModel, 'stacks' in head ? head : model(head));
  return { diff, markdown: formatAccessDiffMarkdown(diff, { base: 'main', head: 'branch' }) };
}

function onlyDatabaseDiff(diff: AccessDiff) {
  expect(diff.stacks).toHaveLength(1);
  expect(diff.stacks[0].databases).toHaveLength(1);
  return diff.stacks[0].databases[0];
}

describe('rds-iam diff of two synthesized templates', () => {
  it('finds nothing when access is the same, and says so', () => {
    const { diff, markdown } = diffTo(BASE);

    expect(isUnchanged(diff)).toBe(true);
    expect(markdown).toBe('## Database access: main → branch\n\nNo change in database access (1 stack compared).\n');
  });

  it('shows the provisioner moving from the master secret to an IAM admin user, with the role that signs its token', () => {
    const { diff, markdown } = diffTo({ ...BASE, adminIamUsername: 'users_admin' });

    const database = onlyDatabaseDiff(diff);
    expect(database.provisionerLoginChange).toEqual({
      from: 'the master user, with the password of secret GetAtt DatabaseB269D8BB.MasterUserSecret.SecretArn',
      to: expect.stringMatching(/^IAM user users_admin \(no secret; never created, changed or dropped by it\), with a token signed by: role ProvisionerHandlerServiceRole[0-9A-F]{8}$/),
    });
    // The admin is the provisioner's own login, not a user name some principal may connect as.
    expect(database.patternConnectsGained).toEqual([]);
    expect(database.usersAdded).toEqual([]);
    // Markdown-escaped text (users\_admin).
    expect(markdown).toContain('- provisioner logs in as: the master user, with the password of secret GetAtt DatabaseB269D8BB.MasterUserSecret.SecretArn → IAM user users\\_admin (no secret;');
  });

  it('shows a privilege added to a user, as one line', () => {
    const { diff, markdown } = diffTo(changed('reporting_ro', { grants: [{ privileges: ['SELECT', 'DELETE'], on: 'orders.*' }] }));

    const database = onlyDatabaseDiff(diff);
    expect(database.userChanges).toEqual([expect.objectContaining({ username: 'reporting_ro', grantsAdded: [{ on: 'orders.*', privileges: ['DELETE'] }], grantsRemoved: [] })]);
    expect(database.risks).toEqual([]);
    expect(markdown).toContain('**Grants**\n- `reporting_ro`: + DELETE ON `orders.*`\n');
    expect(markdown).toContain('no new risk');
  });

  it('shows privileges removed and a grant on a new target', () => {
    const { diff, markdown } = diffTo(changed('app_rw', { grants: [{ privileges: ['SELECT', 'INSERT'], on: 'orders.*' }, { privileges: ['SELECT'], on: 'audit.events' }] }));

    expect(onlyDatabaseDiff(diff).userChanges[0]).toMatchObject({
      grantsAdded: [{ on: 'audit.events', privileges: ['SELECT'] }],
      grantsRemoved: [{ on: 'orders.*', privileges: ['DELETE', 'UPDATE'] }],
    });
    expect(markdown).toContain('- `app_rw`: + SELECT ON `audit.events`\n- `app_rw`: − DELETE, UPDATE ON `orders.*`\n');
  });

  it('shows a user added, with its login, grants and roles', () => {
    const { diff, markdown } = diffTo(changed('', undefined, { users: [{ username: 'audit_ro', grants: [{ privileges: ['SELECT'], on: 'audit.*' }], connectRoles: ['Analyst'] }] }));

    expect(onlyDatabaseDiff(diff).usersAdded.map((user) => user.username)).toEqual(['audit_ro']);
    expect(markdown).toMatch(/- added `audit_ro`: REQUIRE SSL; grants SELECT ON `audit\.\*`; connect: role `RoleAnalyst[0-9A-F]{8}`\n/);
  });

  it('tells a dropped user from a retained one', () => {
    const dropped = onlyDatabaseDiff(diffTo(changed('reporting_ro', undefined)).diff);
    const { diff, markdown } = diffTo(changed('legacy', undefined));
    const retained = onlyDatabaseDiff(diff);

    expect(dropped.usersDropped.map((user) => user.username)).toEqual(['reporting_ro']);
    expect(dropped.usersRetained).toEqual([]);
    expect(retained.usersRetained.map((user) => user.username)).toEqual(['legacy']);
    expect(retained.usersDropped).toEqual([]);
    expect(markdown).toContain('- retained `legacy`: leaves the declaration; the user and its grants stay in the database\n');
    expect(formatAccessDiffMarkdown(diffTo(changed('reporting_ro', undefined)).diff, { base: 'a', head: 'b' })).toContain('- removed `reporting_ro`: DROP USER at deploy\n');
  });

  it('flags a newly adopted password user as a risk', () => {
    const { diff, markdown } = diffTo(changed('app_rw', { adoptExistingUser: true }));

    const database = onlyDatabaseDiff(diff);
    expect(database.usersAdopted).toEqual(['app_rw']);
    expect(database.risks).toEqual([expect.objectContaining({ kind: 'adopted password user', username: 'app_rw' })]);
    expect(markdown).toContain('- adopted `app_rw`: a same-named user of another plugin is converted to IAM at deploy\n');
    expect(markdown).toContain('**1 new risk** flagged below');
  });

  it('shows a TLS requirement dropped, and flags it', () => {
    const { diff, markdown } = diffTo(changed('reporting_ro', { requireSsl: false }));

    expect(onlyDatabaseDiff(diff).userChanges[0].requireSsl).toEqual({ from: true, to: false });
    expect(onlyDatabaseDiff(diff).risks.map((risk) => risk.kind)).toEqual(['REQUIRE NONE']);
    expect(markdown).toContain('**TLS**\n- `reporting_ro`: REQUIRE SSL → REQUIRE NONE\n');
  });

  it('shows roles gaining and losing rds-db:connect', () => {
    const { diff, markdown } = diffTo(changed('reporting_ro', { connectRoles: ['Api'] }));

    const [user] = onlyDatabaseDiff(diff).userChanges;
    expect(user.connectsGained.map((connect) => connect.principal)).toEqual([expect.stringMatching(/^role RoleApi[0-9A-F]{8}$/)]);
    expect(user.connectsLost.map((connect) => connect.principal)).toEqual([expect.stringMatching(/^role RoleAnalyst[0-9A-F]{8}$/)]);
    expect(markdown).toMatch(/\*\*rds-db:connect\*\*\n- `reporting_ro`: \+ role `RoleApi[0-9A-F]{8}`\n- `reporting_ro`: − role `RoleAnalyst[0-9A-F]{8}`\n/);
  });

  it('shows a role gaining connect through an RDS Proxy', () => {
    const { diff, markdown } = diffTo(changed('', undefined, {
      extra: ({ stack, vpc }) => {
        const cluster = stack.node.findChild('Database') as rds.DatabaseCluster;
        const proxy = new rds.DatabaseProxy(stack, 'Proxy', { proxyTarget: rds.ProxyTarget.fromCluster(cluster), secrets: [new Secret(stack, 'ProxySecret')], vpc });
        proxy.grantConnect(new Role(stack, 'Lambda', { assumedBy: new AccountRootPrincipal() }), 'app_rw');
      },
    }));

    expect(onlyDatabaseDiff(diff).userChanges[0].connectsGained).toEqual([{ principal: expect.stringMatching(/^role Lambda/), via: expect.stringMatching(/^proxy Proxy/) }]);
    expect(markdown).toMatch(/- `app_rw`: \+ role `Lambda[0-9A-F]{8}` via `proxy Proxy[0-9A-F]{8}`\n/);
  });

  it.each([
    ['a write privilege on *.*', { ...optedInEveryDatabase({ privileges: ['SELECT', 'INSERT'], on: '*.*' }) }, BroadGrantRuleId.WriteOnEveryDatabase, 'may change every database, including ones created later: INSERT ON \\*.\\*'],
    ['reading every database', { ...optedInEveryDatabase({ privileges: ['SELECT'], on: '*.*' }) }, BroadGrantRuleId.ReadOnEveryDatabase, 'may read every database, including ones created later: SELECT ON \\*.\\*'],
    ['ALL', { grants: [{ privileges: ['ALL'], on: 'orders.*' }] }, BroadGrantRuleId.AllPrivileges, 'holds ALL PRIVILEGES ON orders.\\*, DROP and ALTER included'],
  ])('flags %s as a broad grant, not acknowledged', (_label, replacement, ruleId, text) => {
    const { diff, markdown } = diffTo(changed('reporting_ro', replacement));

    // A grant on *.* also needs the least-privilege opt-in, which is a risk of its own.
    expect(onlyDatabaseDiff(diff).risks).toContainEqual(expect.objectContaining({ kind: 'broad grant', username: 'reporting_ro', ruleId }));
    expect(onlyDatabaseDiff(diff).risks.filter((risk) => risk.kind === 'broad grant')).toHaveLength(1);
    expect(markdown).toContain(`- **broad grant**: \`reporting_ro\`: ${text} (\`${ruleId}\`) — **not acknowledged**\n`);
  });

  it('shows the reason of an acknowledged broad grant with the risk; a reason added later is a change, a reason withdrawn a risk', () => {
    const acknowledged = { grants: [{ privileges: ['ALL'], on: 'orders.*' }], acknowledgeWarnings: [{ id: BroadGrantRuleId.AllPrivileges, reason: 'runs the schema <migrations> | of orders' }] };
    const { markdown } = diffTo(changed('reporting_ro', acknowledged));
    const later = diffAccess(model(changed('reporting_ro', { grants: acknowledged.grants })), model(changed('reporting_ro', acknowledged)));

    expect(markdown).toContain('(`rds-iam-mysql:AllPrivileges`) — acknowledged: “runs the schema \\<migrations\\> \\| of orders”\n');
    expect(onlyDatabaseDiff(later).risks).toEqual([]);
    expect(onlyDatabaseDiff(later).userChanges[0].acknowledgements).toEqual([
      { ruleId: BroadGrantRuleId.AllPrivileges, from: undefined, to: 'runs the schema <migrations> | of orders' },
    ]);
    const withdrawn = diffAccess(model(changed('reporting_ro', acknowledged)), model(changed('reporting_ro', { grants: acknowledged.grants })));
    expect(onlyDatabaseDiff(withdrawn).risks).toEqual([expect.objectContaining({ kind: 'broad grant', ruleId: BroadGrantRuleId.AllPrivileges })]);
    expect(formatAccessDiffMarkdown(withdrawn, { base: 'a', head: 'b' })).toContain('- `reporting_ro`: − acknowledgement of `rds-iam-mysql:AllPrivileges`\n');
  });

  it('shows a removal policy change', () => {
    const { markdown } = diffTo(changed('legacy', { removalPolicy: 'drop' }));

    expect(markdown).toContain('**Other**\n- `legacy`: on removal retain → drop\n');
  });

  it('flags an explicit least-privilege opt-in with its reason', () => {
    // Prepare: the user set carries the opt-in (`allowPrivileged`, issue 10) once that lands; here the model is given one.
    const head = model(BASE);
    const withOptIn: AccessModel = {
      stacks: head.stacks.map((stack) => ({
        ...stack,
        databases: stack.databases.map((database) => ({
          ...database,
          users: database.users.map((user) => (user.username === 'app_rw' ? { ...user, optIns: [{ rule: 'allowPrivileged', covers: 'CREATE USER ON *.*', reason: 'rotates the passwords of legacy users' }] } : user)),
        })),
      })),
    };

    // Act
    const { diff, markdown } = diffTo(withOptIn);

    // Assess
    expect(onlyDatabaseDiff(diff).risks).toEqual([expect.objectContaining({ kind: 'opt-in', username: 'app_rw', reason: 'rotates the passwords of legacy users' })]);
    expect(markdown).toContain('- **opt-in**: `app_rw`: opts in to allowPrivileged for CREATE USER ON \\*.\\* — reason: “rotates the passwords of legacy users”\n');
    expect(markdown).toContain('- `app_rw`: + opt-in `allowPrivileged` for `CREATE USER ON *.*`: “rotates the passwords of legacy users”\n');
  });

  it('flags a principal allowed to connect as any user', () => {
    const { diff, markdown } = diffTo(changed('', undefined, {
      extra: ({ stack, provisioner }) => {
        new Role(stack, 'Ops', { assumedBy: new AccountRootPrincipal() }).addToPrincipalPolicy(
          new PolicyStatement({ actions: ['rds-db:connect'], resources: [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${provisioner.database.resourceId}/*`] }),
        );
      },
    }));

    expect(onlyDatabaseDiff(diff).patternConnectsGained).toEqual([{ usernamePattern: '*', principal: expect.stringMatching(/^role Ops/) }]);
    expect(markdown).toMatch(/- \*\*connect as any user\*\*: role Ops[0-9A-F]{8} may connect as any user named \\\*, declared or not\n/);
    expect(markdown).toMatch(/- any user named `\*`: \+ role `Ops[0-9A-F]{8}`\n/);
  });

  it('shows connect grants on databases no provisioner of the stack manages', () => {
    const { diff, markdown } = diffTo(changed('', undefined, {
      extra: ({ stack }) => {
        new Role(stack, 'Other', { assumedBy: new AccountRootPrincipal() }).addToPrincipalPolicy(
          new PolicyStatement({ actions: ['rds-db:connect'], resources: ['arn:aws:rds-db:us-east-1:123456789012:dbuser:prx-0123456789abcdef0/app_rw'] }),
        );
      },
    }));

    expect(diff.stacks[0].otherConnectsGained).toEqual([
      { principal: expect.stringMatching(/^role Other/), resource: 'arn:aws:rds-db:us-east-1:123456789012:dbuser:prx-0123456789abcdef0/app_rw' },
    ]);
    expect(markdown).toMatch(/\*\*rds-db:connect on databases no provisioner of this stack manages\*\*\n- \+ role `Other[0-9A-F]{8}` on `arn:aws:rds-db:us-east-1:123456789012:dbuser:prx-0123456789abcdef0\/app_rw`\n/);
  });

  it('shows a database replaced by another kind (a new resource id and endpoint) and a change of engine', () => {
    const instance = diffTo({ ...BASE, kind: 'mysql-instance' });
    const mariadb = diffTo({ ...BASE, kind: 'mariadb-instance' });

    expect(onlyDatabaseDiff(instance.diff).resourceIdChange).toEqual({ from: expect.stringMatching(/DBClusterResourceId$/), to: expect.stringMatching(/DbiResourceId$/) });
    // Same logical id and attribute name: the endpoint expression reads the same for both kinds.
    expect(onlyDatabaseDiff(instance.diff).endpointChange).toBeUndefined();
    expect(onlyDatabaseDiff(mariadb.diff).engineChange).toEqual({ from: 'mysql', to: 'mariadb' });
    expect(mariadb.markdown).toContain('- engine: mysql → mariadb\n');
  });

  it('shows every user of a stack that appears or disappears', () => {
    const added = diffAccess({ stacks: [] }, baseModel);
    const removed = diffAccess(baseModel, { stacks: [] });

    expect(added.stacks[0]).toMatchObject({ stackName: 'Fixture', presence: 'added', databases: [{ presence: 'added' }] });
    expect(added.stacks[0].databases[0].usersAdded.map((user) => user.username)).toEqual(['app_rw', 'legacy', 'reporting_ro']);
    expect(removed.stacks[0].databases[0].usersDropped.map((user) => user.username)).toEqual(['app_rw', 'reporting_ro']);
    expect(removed.stacks[0].databases[0].usersRetained.map((user) => user.username)).toEqual(['legacy']);
    expect(formatAccessDiffMarkdown(added, { base: 'a', head: 'b' })).toContain('### `Fixture` (stack added)\n\n#### Database `Provisioner');
  });

  it('escapes names from the template, so they cannot inject markup into the job summary', () => {
    const hostile: AccessModel = { stacks: [{ stackName: 'S`tack', databases: [], otherConnectGrants: [{ principal: 'role <img src=x onerror=alert(1)>', resource: 'arn:`x`\n# title' }] }] };

    const markdown = formatAccessDiffMarkdown(diffAccess({ stacks: [] }, hostile), { base: '<b>', head: 'h' });

    // Outside code spans (where markdown renders no HTML), every < is escaped; no line of the input starts a heading.
    expect(markdown.replace(/`[^`\n]*`/g, '')).not.toMatch(/(^|[^\\])</);
    expect(markdown).not.toMatch(/\n# title/);
    expect(markdown).toContain('`S tack`');
  });
});
