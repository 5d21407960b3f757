import {
  UnknownEnvironmentError,
  environmentEngine,
  environmentMasterUsername,
  environmentStackName,
  environmentUserSpecs,
  getEnvironment,
  listEnvironments,
} from '../../app/environments';
import { validateUserSpecs } from '../../lib/users/validate-user-specs';

describe('the shipped environments', () => {
  it('declare dev as a new Aurora MySQL 3 cluster and staging as a new RDS for MySQL 8.4 instance', () => {
    expect(getEnvironment('dev').database).toMatchObject({ kind: 'aurora-mysql-cluster', auroraVersion: expect.stringMatching(/^3\./) });
    expect(getEnvironment('staging').database).toMatchObject({ kind: 'rds-instance', engine: 'mysql', engineVersion: expect.stringMatching(/^8\.4\./) });
  });

  it('declare prod as an existing Aurora cluster taken by identifier', () => {
    expect(getEnvironment('prod').database).toMatchObject({ kind: 'existing-cluster', identifier: expect.any(String), engine: 'mysql' });
  });

  it.each(listEnvironments().map((environment) => [environment.name, environment] as const))(
    '%s declares two or more valid users, one with the application grant',
    (_name, environment) => {
      const users = environmentUserSpecs(environment);
      expect(users.length).toBeGreaterThanOrEqual(2);
      expect(() => validateUserSpecs(users, { engine: environmentEngine(environment), masterUsername: environmentMasterUsername(environment) })).not.toThrow();
      expect(users.some((user) => user.grants.some((grant) =>
        grant.on === 'orders.*' && [...grant.privileges].sort().join(',') === 'ALTER,DELETE,INSERT,SELECT,UPDATE'))).toBe(true);
    },
  );

  it('name their stacks after the environment', () => {
    expect(listEnvironments().map(environmentStackName)).toEqual(listEnvironments().map((environment) => `RdsIamMysql-${environment.name}`));
  });
});

describe('getEnvironment', () => {
  it('refuses an unknown name and lists the known ones', () => {
    expect(() => getEnvironment('qa')).toThrow(UnknownEnvironmentError);
    expect(() => getEnvironment('qa')).toThrow(`unknown environment "qa"; known environments: ${listEnvironments().map((e) => e.name).join(', ')}`);
  });
});

describe('environmentUserSpecs', () => {
  it('applies the defaults: TLS required, drop on removal, no adoption', () => {
    const environment = { ...getEnvironment('dev'), users: [{ username: 'plain', grants: [{ privileges: ['SELECT'], on: 'a.*' }] }] };
    expect(environmentUserSpecs(environment)).toEqual([
      { username: 'plain', grants: [{ privileges: ['SELECT'], on: 'a.*' }], requireSsl: true, removalPolicy: 'drop', adoptExistingUser: false },
    ]);
  });

  it('keeps explicit choices', () => {
    const environment = {
      ...getEnvironment('dev'),
      users: [{ username: 'legacy', grants: [], requireSsl: false, removalPolicy: 'retain' as const, adoptExistingUser: true }],
    };
    expect(environmentUserSpecs(environment)[0]).toMatchObject({ requireSsl: false, removalPolicy: 'retain', adoptExistingUser: true });
  });
});

describe('environmentEngine and environmentMasterUsername', () => {
  it('read the database declaration', () => {
    expect(environmentEngine(getEnvironment('dev'))).toBe('mysql');
    expect(environmentMasterUsername(getEnvironment('dev'))).toBe('admin');
    const mariadb = { ...getEnvironment('staging'), database: { ...getEnvironment('staging').database, engine: 'mariadb' as const } };
    expect(environmentEngine(mariadb as ReturnType<typeof getEnvironment>)).toBe('mariadb');
  });
});
