import type { EnvironmentConfig } from '../app/environments';

/**
 * The environments a synth bench app builds: the shipped ones (or those named in `RDS_IAM_BENCH_ENVS=dev,staging`),
 * or, with `RDS_IAM_BENCH_USERS=<n>`, only the first one with n generated users (the seed grant on a database of
 * their own, ten shared connect roles) and no RDS Proxy (the proxy's users are the shipped ones).
 */
export function benchEnvironments(all: readonly EnvironmentConfig[]): EnvironmentConfig[] {
  const names = process.env.RDS_IAM_BENCH_ENVS?.split(',');
  const shipped = names === undefined ? [...all] : all.filter((environment) => names.includes(environment.name));
  const userCount = Number(process.env.RDS_IAM_BENCH_USERS ?? 0);
  if (!Number.isInteger(userCount) || userCount <= 0) return shipped;
  const [first] = shipped;
  return [{
    ...first,
    proxy: undefined,
    users: Array.from({ length: userCount }, (_, index) => ({
      username: `user_${index}`,
      grants: [{ privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'ALTER'], on: `tenant_${index}.*` }],
      connectRoles: [`App${index % 10}`],
    })),
  }];
}
