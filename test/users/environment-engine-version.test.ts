import { checkEnvironmentUsers, EnvironmentConfig, environmentEngineVersion, getEnvironment, listEnvironments } from '../../app/environments';
import { problemLocation } from '../../lib/users/validate-user-specs';

/**
 * An environment's users are checked against the engine version it declares, so a dynamic privilege that version does
 * not have (or that RDS withholds there) is refused at synth, not minutes into a deploy.
 */

/** The environment with one user added, its database changed as given. */
function withUser(name: string, database: Partial<Record<'auroraVersion' | 'engineVersion', string>>, privileges: string[]): EnvironmentConfig {
  const environment = getEnvironment(name);
  return {
    ...environment,
    database: { ...environment.database, ...database },
    users: [...environment.users, { username: 'dyn_check', grants: [{ on: '*.*', privileges }] }],
  } as EnvironmentConfig;
}

const problemsOf = (environment: EnvironmentConfig): string[] => {
  const checked = checkEnvironmentUsers(environment);
  return checked.ok ? [] : checked.problems.map((problem) => `${problemLocation(problem, 'users')}: ${problem.message}`);
};

describe('environmentEngineVersion', () => {
  it('names the version of every shipped environment that creates its database, as RDS names it', () => {
    const versions = Object.fromEntries(listEnvironments().map((environment) => [environment.name, environmentEngineVersion(environment)]));
    expect(versions.dev).toMatch(/^8\.0\.mysql_aurora\.3\.\d{2}\.\d+$/);
    expect(versions.staging).toMatch(/^8\.4\.\d+$/);
  });

  it('leaves a version the constructs do not support to the stack, which reports it', () => {
    expect(environmentEngineVersion(withUser('dev', { auroraVersion: '2.11.2' }, ['SHOW_ROUTINE']))).toBeUndefined();
  });
});

describe('checkEnvironmentUsers with MySQL dynamic privileges', () => {
  it.each<[string, string, Partial<Record<'auroraVersion' | 'engineVersion', string>>, string[], string | undefined]>([
    ['accepts SHOW_ROUTINE on Aurora MySQL 3', 'dev', {}, ['SHOW_ROUTINE'], undefined],
    ['accepts FLUSH_PRIVILEGES on RDS for MySQL 8.4', 'staging', {}, ['FLUSH_PRIVILEGES'], undefined],
    ['refuses FLUSH_PRIVILEGES on Aurora MySQL 3 (MySQL 8.0)', 'dev', {}, ['FLUSH_PRIVILEGES'], 'is not a privilege of MySQL 8.0'],
    ['refuses SET_USER_ID on RDS for MySQL 8.4', 'staging', {}, ['SET_USER_ID'], 'is not a privilege of MySQL 8.4'],
    ['accepts FLUSH_PRIVILEGES on the Aurora 8.4-compatible line', 'dev', { auroraVersion: '8.4.7' }, ['FLUSH_PRIVILEGES'], undefined],
  ])('%s', (_label, name, database, privileges, refusal) => {
    const environment = withUser(name, database, privileges);
    const problems = problemsOf(environment);
    if (refusal === undefined) {
      expect(problems).toEqual([]);
    } else {
      expect(problems).toEqual([expect.stringMatching(new RegExp(`^users\\[${environment.users.length - 1}\\]\\.grants\\[0\\]\\.privileges\\[0\\]: ${refusal}`))]);
    }
  });
});
