import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IamDatabaseDeclarationError } from '../../lib/constructs/declaration-error';
import { EnvironmentConfig, getEnvironment } from '../../lib/environments';
import { IamDatabaseStack } from '../../lib/stacks/iam-database-stack';
import { SKIP_BUNDLING_CONTEXT, TEST_APP_PROPS } from '../support/synth-stacks';

function buildStack(environment: EnvironmentConfig): () => IamDatabaseStack {
  return () => new IamDatabaseStack(new App({ ...TEST_APP_PROPS, context: SKIP_BUNDLING_CONTEXT }), 'Invalid', { environmentConfig: environment });
}

describe('an environment with invalid users', () => {
  it('is refused before anything is built, with every problem named by its place in the config', () => {
    // Prepare
    const dev = getEnvironment('dev');
    const environment: EnvironmentConfig = {
      ...dev,
      users: [
        ...dev.users,
        { username: "x'; DROP USER root; --", grants: [{ privileges: ['SELECT'], on: '*.*' }] },
        { username: 'admin', grants: [{ privileges: ['SUPER'], on: '*.*' }] },
        { username: 'app_rw', grants: [{ privileges: ['SELECT'], on: 'orders.*' }] },
      ],
    };

    // Act
    let error: unknown;
    try {
      buildStack(environment)();
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(IamDatabaseDeclarationError);
    const message = (error as Error).message;
    const first = dev.users.length;
    expect(message).toContain('environment "dev"');
    expect(message).toContain(`users[${first}].username = "x'; DROP USER root; --"`);
    expect(message).toContain(`users[${first + 1}].username = "admin": is the master user`);
    expect(message).toContain(`users[${first + 1}].grants[0].privileges = "SUPER"`);
    expect(message).toContain(`users[${first + 2}].username = "app_rw": is declared twice`);
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

