import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PROVISIONER_RESOURCE_TYPE } from '../../lib/constructs/database-user-provisioner';
import { IamDatabaseDeclarationError } from '../../lib/constructs/declaration-error';
import { EnvironmentConfig, getEnvironment } from '../../app/environments';
import { decodeUserSpecs, ProvisionerProperty } from '../../lib/contracts/provisioner/provisioner-properties';
import { IamDatabaseStack } from '../../app/stacks/iam-database-stack';
import { declarationError } from '../support/declaration-error';
import { SKIP_BUNDLING_CONTEXT, TEST_APP_PROPS } from '../support/synth-stacks';
import { onlyResourceOfType } from '../support/template-queries';

function buildStack(environment: EnvironmentConfig): () => IamDatabaseStack {
  return () => new IamDatabaseStack(new App({ ...TEST_APP_PROPS, context: SKIP_BUNDLING_CONTEXT }), 'Invalid', { environmentConfig: environment });
}

/** The dev environment with these users added after its own (as a JSON config would give them: anything goes). */
function devWith(...users: unknown[]): { environment: EnvironmentConfig; first: number } {
  const dev = getEnvironment('dev');
  return { environment: { ...dev, users: [...dev.users, ...(users as EnvironmentConfig['users'])] }, first: dev.users.length };
}

describe('an environment with invalid users', () => {
  it('is refused before anything is built, with every problem named by its place in the config', () => {
    // Prepare
    const { environment, first } = devWith(
      { username: "x'; DROP USER root; --", grants: [{ privileges: ['SELECT'], on: 'orders.*' }] },
      { username: 'admin', grants: [{ privileges: ['SUPER'], on: '*.*' }] },
      { username: 'app_rw', grants: [{ privileges: ['SELECT'], on: 'orders.*' }] },
    );

    // Act
    const error = declarationError(buildStack(environment));

    // Assess
    expect(error).toBeInstanceOf(IamDatabaseDeclarationError);
    expect(error.message).toContain('environment "dev"');
    expect(error.message).toContain(`users[${first}].username = "x'; DROP USER root; --"`);
    expect(error.message).toContain(`users[${first + 1}].username = "admin": is the master user`);
    expect(error.message).toContain(`users[${first + 1}].grants[0].privileges[0] = "SUPER"`);
    expect(error.message).toContain(`users[${first + 2}].username = "app_rw": is declared twice`);
  });

  it.each<[string, unknown, string]>([
    ['adoption as a string', { username: 'legacy', grants: [], adoptExistingUser: 'false' }, 'adoptExistingUser = "false": must be true or false'],
    ['TLS as a number', { username: 'legacy', grants: [], requireSsl: 0 }, 'requireSsl = 0: must be true or false'],
    ['a target as a number', { username: 'legacy', grants: [{ privileges: ['SELECT'], on: 42 }] }, 'grants[0].on = 42: must be a string'],
    ['a user that is not an object', 'legacy', 'users[N] = "legacy": must be an object'],
    ['a misspelt field', { username: 'legacy', grants: [], connectRole: ['Analyst'] }, 'connectRole = ["Analyst"]: is not a field of a database user'],
    ['UPDATE on mysql.*', { username: 'legacy', grants: [{ privileges: ['UPDATE'], on: 'mysql.*' }] }, 'grants[0].on = "mysql.*": the mysql system schema'],
    ['CREATE USER', { username: 'legacy', grants: [{ privileges: ['CREATE USER'], on: '*.*' }] }, 'grants[0].privileges[0] = "CREATE USER": CREATE USER creates'],
    ['the RDS superuser role', { username: 'rds_superuser_role', grants: [], adoptExistingUser: true }, 'username = "rds_superuser_role": is the role'],
  ])('refuses %s from a JSON-like config, naming the field and the value', (_label, user, expected) => {
    const { environment, first } = devWith(user);
    const error = declarationError(buildStack(environment));
    expect(error.message).toContain(expected.replace('users[N]', `users[${first}]`));
  });

  it('keeps its message under 4 KB for 10,000 invalid users, listing ten and counting the rest', () => {
    const { environment } = devWith(...Array.from({ length: 10_000 }, (_, index) => ({ username: `bad user ${index}`, grants: [] })));
    const error = declarationError(buildStack(environment));
    expect(Buffer.byteLength(error.message)).toBeLessThan(4096);
    expect(error.message).toContain('… and 9,990 more problems');
  });

  it('refuses a connect role name IAM would not accept', () => {
    const dev = getEnvironment('dev');
    const environment: EnvironmentConfig = { ...dev, users: [{ ...dev.users[0], connectRoles: ['orders api'] }] };
    expect(buildStack(environment)).toThrow('connectRoles entry "orders api" is not a usable IAM role name');
  });
});

describe('an environment with an unsupported engine version', () => {
  it.each([
    ['dev', { auroraVersion: '2.11.2' }, 'database.auroraVersion = "2.11.2": not a version the constructs support'],
    ['staging', { engineVersion: '5.7.44' }, 'database.engineVersion = "5.7.44": not a version the constructs support'],
  ])('is refused at synth (%s: %j), before anything is built', (name, database, message) => {
    const environment = getEnvironment(name);
    const changed = { ...environment, database: { ...environment.database, ...database } } as EnvironmentConfig;

    expect(buildStack(changed)).toThrow(IamDatabaseDeclarationError);
    expect(buildStack(changed)).toThrow(`environment "${name}": ${message}`);
  });

  it('builds an Aurora MySQL cluster of the 8.4-compatible line', () => {
    const dev = getEnvironment('dev');
    const stack = buildStack({ ...dev, database: { ...dev.database, auroraVersion: '8.4.7' } } as EnvironmentConfig)();

    const cluster = Template.fromStack(stack).findResources('AWS::RDS::DBCluster');
    expect(Object.values(cluster).map((resource) => (resource as { Properties: { EngineVersion: string } }).Properties.EngineVersion)).toEqual(['8.4.7']);
  });
});

describe('an environment user with an opt-in', () => {
  it('is built, and its opt-in and reason are in the template for the access review', () => {
    // Prepare
    const reason = 'Monitoring agent reads statement digests (SEC-42)';
    const { environment } = devWith({
      username: 'monitor',
      grants: [{ privileges: ['SELECT'], on: 'performance_schema.events_statements_summary_by_digest' }],
      allowPrivileged: { reason, grants: [{ privileges: ['SELECT'], on: 'performance_schema.events_statements_summary_by_digest' }] },
    });

    // Act
    const template = Template.fromStack(buildStack(environment)());

    // Assess
    const users = decodeUserSpecs(onlyResourceOfType(template, PROVISIONER_RESOURCE_TYPE).properties[ProvisionerProperty.Users]);
    expect(users.find((user) => user.username === 'monitor')?.allowPrivileged).toEqual({
      reason,
      grants: [{ on: 'performance_schema.events_statements_summary_by_digest', privileges: ['SELECT'] }],
    });
  });
});
