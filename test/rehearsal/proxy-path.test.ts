import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLifecycle } from '../../lib/rehearsal/rehearsal-lifecycle';
import { RehearsalSession } from '../../lib/rehearsal/rehearsal-session';
import { describeEachEngine, useEmulator } from '../support/emulator';
import { DEV_STACK, useDevApp } from './rehearsal-fixture';

const cdkOut = useDevApp();

/** The dev template's resources this file edits, by the logical ids the dev app gives them. */
const PROXY_ROLE_POLICY = 'ProxyRoleDefaultPolicy02214CAB';
const CLIENT_ROLE_POLICY = 'ConnectRoleOrdersApiDefaultPolicyE8F7287C';
const USERS = 'UserProvisionerUsers19E2A3D5';

interface PolicyStatement {
  Action: unknown;
  Effect: string;
  Resource: unknown;
}
type DevTemplate = { Resources: Record<string, { Properties: { PolicyDocument: { Statement: PolicyStatement[] } } }> };

type Join = { 'Fn::Join': [string, unknown[]] };

/** The resources of a policy's statements that `select` picks, one list, whether a statement lists one or several. */
function grantedResources(template: DevTemplate, policy: string, select: (resource: unknown) => boolean): Join[] {
  return template.Resources[policy].Properties.PolicyDocument.Statement.flatMap((statement) =>
    [statement.Resource].flat().filter((resource): resource is Join => select(resource) && typeof resource === 'object' && resource !== null && 'Fn::Join' in resource),
  );
}

/** Whether a granted resource names the user through the proxy (its ARN's `prx-…`). */
const throughProxy = (resource: unknown): boolean => JSON.stringify(resource).includes('DBProxyArn');

/** Makes a granted resource `…/<user>` name every user (`…/*`). */
function grantAnyUser(resource: Join, user: string): void {
  const parts = resource['Fn::Join'][1];
  expect(parts.at(-1)).toBe(`/${user}`);
  parts[parts.length - 1] = '/*';
}

/** The steps a core lifecycle verifies users in: each logs in through the proxy. */
const VERIFYING_STEPS = ['create', 'update, properties unchanged', 'update, users changed'];

/** The edited assemblies of the running test. */
const edited: string[] = [];

/**
 * A copy of the synthesized dev assembly (its Lambda assets included) whose template `edit` changed, as a commit with
 * a wrong grant would synthesize it. Removed after the test.
 */
function editedDevAssembly(edit: (template: DevTemplate) => void): string {
  const directory = mkdtempSync(join(tmpdir(), 'rds-iam-rehearsal-proxy-'));
  cpSync(cdkOut(), directory, { recursive: true });
  const file = join(directory, `${DEV_STACK}.template.json`);
  const template = JSON.parse(readFileSync(file, 'utf8')) as DevTemplate;
  edit(template);
  writeFileSync(file, JSON.stringify(template));
  edited.push(directory);
  return directory;
}
afterEach(() => {
  for (const directory of edited.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describeEachEngine("the rehearsal through the dev stack's RDS Proxy", (engine) => {
  const emulator = useEmulator({ engine, region: 'eu-west-1' });

  /** Create, the unchanged and the changing update, and a delete that leaves the server as found. */
  async function rehearseCore(assemblyDirectory: string, loginSample?: number) {
    const session = await RehearsalSession.open({ assemblyDirectory, stackName: DEV_STACK, server: emulator(), requestDeadlineMs: 90_000 });
    try {
      const steps = await runLifecycle(session, {
        scope: 'core',
        loginSample,
        startReplacementServer: () => Promise.reject(new Error('the core lifecycle replaces no database')),
      });
      return { steps, proxies: await session.proxies.tallies() };
    } finally {
      await session.close();
    }
  }

  it('logs in through the proxy as the user it carries after every step that verifies users, tokens signed for its endpoint', async () => {
    // Act
    const { steps, proxies } = await rehearseCore(cdkOut());

    // Assess
    expect(steps.map((step) => ({ step: step.name, problems: step.problems }))).toEqual(
      [...VERIFYING_STEPS, 'delete, leaving the database as found'].map((step) => ({ step, problems: [] })),
    );
    expect(proxies).toEqual([
      { name: 'orders-dev-proxy', endpoint: 'orders-dev-proxy.proxy-c9akciq32xyz.eu-west-1.rds.amazonaws.com:3306', accepted: VERIFYING_STEPS.length, refused: 0 },
    ]);
  });

  it('lets through every declared user a wildcard grant names, logging in as the sample the login sample sets', async () => {
    // Prepare: the client may connect as any user through the proxy, and the proxy's role as any user of the cluster.
    const assembly = editedDevAssembly((template) => {
      const edited = [...grantedResources(template, PROXY_ROLE_POLICY, () => true), ...grantedResources(template, CLIENT_ROLE_POLICY, throughProxy)];
      expect(edited).toHaveLength(2);
      for (const resource of edited) grantAnyUser(resource, 'app_rw');
    });

    // Act: three users are let through (four after the changing update), two of them log in through it per step.
    const { steps, proxies } = await rehearseCore(assembly, 2);

    // Assess
    expect(steps.map((step) => ({ step: step.name, problems: step.problems }))).toEqual(
      [...VERIFYING_STEPS, 'delete, leaving the database as found'].map((step) => ({ step, problems: [] })),
    );
    expect(proxies).toMatchObject([{ name: 'orders-dev-proxy', accepted: 2 * VERIFYING_STEPS.length, refused: 0 }]);
  });

  it('names a proxy that logs in with a Secrets Manager secret as not rehearsed, and logs in through none', async () => {
    // Prepare: the proxy as CDK's DatabaseProxy makes it by default, with the secret in Auth instead of IAM_AUTH.
    const assembly = editedDevAssembly((template) => {
      const proxy = (template.Resources as unknown as Record<string, { Properties: Record<string, unknown> }>).ProxyE947DB46;
      expect(proxy.Properties.DefaultAuthScheme).toBe('IAM_AUTH');
      proxy.Properties.DefaultAuthScheme = 'NONE';
      proxy.Properties.Auth = [{ AuthScheme: 'SECRETS', IAMAuth: 'REQUIRED', SecretArn: { 'Fn::GetAtt': ['DatabaseB269D8BB', 'MasterUserSecret.SecretArn'] } }];
    });

    // Act
    const { steps, proxies } = await rehearseCore(assembly);

    // Assess
    expect(steps.every((step) => step.problems.length === 0)).toBe(true);
    expect(proxies).toEqual([
      {
        name: 'orders-dev-proxy',
        endpoint: 'orders-dev-proxy.proxy-c9akciq32xyz.eu-west-1.rds.amazonaws.com:3306',
        accepted: 0,
        refused: 0,
        notRehearsed: 'DefaultAuthScheme NONE: the proxy logs in to the database with a Secrets Manager secret, which the emulated proxy does not model',
      },
    ]);
  });

  it("reports a proxy role whose grant names another cluster, naming the role, the user and the ARN, and the login through the proxy the database refuses", async () => {
    // Prepare: the proxy role's grant hard-codes another environment's cluster instead of this database's resource id.
    const assembly = editedDevAssembly((template) => {
      const [statement] = template.Resources[PROXY_ROLE_POLICY].Properties.PolicyDocument.Statement;
      statement.Resource = 'arn:aws:rds-db:eu-west-1:111111111111:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0/app_rw';
    });

    // Act
    const { steps, proxies } = await rehearseCore(assembly);

    // Assess: every verifying step names both the missing grant and the refused login; the database itself is fine.
    for (const step of steps.filter((candidate) => VERIFYING_STEPS.includes(candidate.name))) {
      expect({ step: step.name, problems: step.problems }).toEqual({
        step: step.name,
        problems: [
          expect.stringMatching(
            new RegExp(
              `^${USERS}: proxy orders-dev-proxy: its role ProxyRole46D67FAB may not rds-db:connect on ` +
                'arn:aws:rds-db:eu-west-1:111111111111:dbuser:cluster-(?!ABCDEFGHIJKLMNOPQRSTUVWXY0)[A-Z0-9]{26}/app_rw, so the proxy cannot log in as app_rw ' +
                'for role ConnectRoleOrdersApiE94B4D6E\\. Fix: carry app_rw on the proxy',
            ),
          ),
          expect.stringMatching(
            new RegExp(
              `^${USERS}: proxy orders-dev-proxy: through orders-dev-proxy\\.proxy-c9akciq32xyz\\.eu-west-1\\.rds\\.amazonaws\\.com:3306, app_rw cannot log in ` +
                "with an IAM token: Access denied for user 'app_rw'.*the proxy's role may not rds-db:connect as 'app_rw' on the database",
            ),
          ),
        ],
      });
      expect(step.problems.join('\n')).not.toMatch(/X-Amz-Signature|Amz-Credential/);
    }
    expect(steps.at(-1)).toMatchObject({ name: 'delete, leaving the database as found', problems: [] });
    expect(proxies).toMatchObject([{ name: 'orders-dev-proxy', accepted: 0, refused: VERIFYING_STEPS.length }]);
  });

  it('reports a user the proxy carries that no role may connect as through it, naming the proxy role, the user and the proxy ARN', async () => {
    // Prepare: the client role keeps its direct grants but loses the one through the proxy.
    const assembly = editedDevAssembly((template) => {
      expect(grantedResources(template, CLIENT_ROLE_POLICY, throughProxy)).toHaveLength(1);
      for (const statement of template.Resources[CLIENT_ROLE_POLICY].Properties.PolicyDocument.Statement) {
        statement.Resource = [statement.Resource].flat().filter((resource) => !throughProxy(resource));
      }
      expect(grantedResources(template, CLIENT_ROLE_POLICY, (resource) => !throughProxy(resource))).toHaveLength(2);
    });

    // Act
    const { steps, proxies } = await rehearseCore(assembly);

    // Assess: the create names it; nobody is let through, so no login goes through the proxy.
    expect(steps[0].name).toBe('create');
    expect(steps[0].problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${USERS}: proxy orders-dev-proxy: its role ProxyRole46D67FAB logs in as app_rw, but no role may rds-db:connect on ` +
            'arn:aws:rds-db:eu-west-1:111111111111:dbuser:prx-[0-9a-f]{17}/app_rw, so no client can log in as app_rw through it\\. ' +
            'Fix: name a connect role for app_rw on the proxy',
        ),
      ),
    ]);
    expect(proxies).toMatchObject([{ name: 'orders-dev-proxy', accepted: 0, refused: 0 }]);
  });
});
