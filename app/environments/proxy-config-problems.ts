// The library's module, not its barrel: the CLI reads the environments and must not load aws-cdk-lib.
import { dbProxyNameProblem } from '../../lib/proxy/db-proxy-name';
import type { EnvironmentConfig } from './environment-config';

/** One thing wrong with an environment's `proxy`, at its place in the config. */
export interface ProxyConfigProblem {
  /** e.g. `proxy.users[1].username`. */
  readonly field: string;
  readonly value: unknown;
  readonly message: string;
}

const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

/**
 * What is wrong with the environment's `proxy` (empty when it has none or it is right): the proxy name, users it
 * cannot carry because they are not declared, users listed twice, a malformed security group id. The config may come
 * from JSON, so every field's type is checked too.
 */
export function proxyConfigProblems(environment: EnvironmentConfig): ProxyConfigProblem[] {
  const proxy: unknown = environment.proxy;
  if (proxy === undefined) return [];
  if (!isRecord(proxy)) return [{ field: 'proxy', value: proxy, message: 'must be an object { name, users }' }];
  const problems: ProxyConfigProblem[] = [];
  const nameProblem = dbProxyNameProblem(proxy.name);
  if (nameProblem !== undefined) problems.push({ field: 'proxy.name', value: proxy.name, message: nameProblem });

  const declared = new Set(environment.users.map((user) => user.username));
  const users: unknown = proxy.users;
  if (!Array.isArray(users) || users.length === 0) {
    problems.push({ field: 'proxy.users', value: users, message: 'list at least one declared user for the proxy to carry' });
  } else {
    const seen = new Set<string>();
    users.forEach((user: unknown, index) => {
      const field = `proxy.users[${index}]`;
      const username = isRecord(user) ? user.username : undefined;
      if (typeof username !== 'string') {
        problems.push({ field: `${field}.username`, value: username, message: 'must be the name of a user declared in users' });
      } else if (!declared.has(username)) {
        problems.push({
          field: `${field}.username`,
          value: username,
          message: 'is not declared in users; declare it there (the proxy logs in as a database user the stack provisions)',
        });
      } else if (seen.has(username)) {
        problems.push({ field: `${field}.username`, value: username, message: 'is listed twice; list each proxied user once' });
      }
      if (typeof username === 'string') seen.add(username);
      for (const list of ['connectRoles', 'connectRoleArns'] as const) {
        const value = isRecord(user) ? user[list] : undefined;
        if (value !== undefined && !(Array.isArray(value) && value.every((entry) => typeof entry === 'string'))) {
          problems.push({ field: `${field}.${list}`, value, message: 'must be a list of strings' });
        }
      }
    });
  }
  const groups: unknown = proxy.clientSecurityGroupIds;
  if (groups !== undefined) {
    if (!Array.isArray(groups)) {
      problems.push({ field: 'proxy.clientSecurityGroupIds', value: groups, message: "must be a list of security group ids ('sg-…')" });
    } else {
      groups.forEach((group: unknown, index) => {
        if (typeof group !== 'string' || !SECURITY_GROUP_ID.test(group)) {
          problems.push({ field: `proxy.clientSecurityGroupIds[${index}]`, value: group, message: "is not a security group id ('sg-' and 8 or 17 hex digits)" });
        }
      });
    }
  }
  return problems;
}

/** The problems as lines `  - field = value: message`, each value quoted to at most 64 characters. */
export function describeProxyConfigProblems(problems: readonly ProxyConfigProblem[]): string {
  return problems
    .map((problem) => {
      const shown = JSON.stringify(problem.value) ?? 'undefined';
      return `  - ${problem.field} = ${shown.length > 64 ? `${shown.slice(0, 61)}...` : shown}: ${problem.message}`;
    })
    .join('\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
