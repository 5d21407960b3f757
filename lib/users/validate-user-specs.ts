import type { DatabaseEngineFamily, DatabaseUserSpec, UserGrant } from './database-user-spec';
import { GrantTarget, GrantTargetError, formatGrantTarget, parseGrantTarget } from './grant-target';
import {
  ALL_PRIVILEGES,
  RDS_MASTER_GRANTABLE_PRIVILEGES,
  canonicalPrivilegeName,
  expandAllPrivileges,
  knownPrivileges,
  privilegeLevels,
} from './privileges';

/**
 * The single source of truth for what a declared user may look like. The CDK construct runs it at synth time,
 * the provisioner Lambda and the CLI run it again at run time on what reaches them.
 */

/** MySQL's limit on user names (MariaDB allows more; the stricter one wins). */
export const MAX_USERNAME_LENGTH = 32;
export const USERNAME_PATTERN = /^[A-Za-z0-9_$]+$/;

/** Accounts RDS, MySQL and MariaDB keep for themselves, compared case-insensitively. */
const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  'root', 'rdsadmin', 'rdsrepladmin', 'rdsproxyadmin', 'rdstopmgr', 'public', 'mariadb.sys',
]);

/** A user with its grants normalized: canonical privilege names, `ALL` expanded, one entry per target, sorted. */
export interface ValidatedUser {
  readonly username: string;
  readonly grants: readonly ValidatedGrant[];
  readonly requireSsl: boolean;
  readonly removalPolicy: DatabaseUserSpec['removalPolicy'];
  readonly adoptExistingUser: boolean;
}

export interface ValidatedGrant {
  readonly target: GrantTarget;
  /** Canonical, de-duplicated, sorted. */
  readonly privileges: readonly string[];
}

export interface UserValidationContext {
  readonly engine: DatabaseEngineFamily;
  /** The database's master user name, which must never be declared as an IAM user. */
  readonly masterUsername?: string;
}

/** One reason a declaration is refused: the field, the value and what to do. */
export interface UserSpecProblem {
  readonly field: string;
  readonly value: unknown;
  readonly message: string;
}

export class UserSpecValidationError extends Error {
  public readonly code = 'RDS_IAM_INVALID_USER_SPEC';
  constructor(public readonly problems: readonly UserSpecProblem[]) {
    super(
      `invalid database user declaration:\n${problems.map((p) => `  - ${p.field} = ${JSON.stringify(p.value)}: ${p.message}`).join('\n')}`,
    );
    this.name = 'UserSpecValidationError';
  }
}

/** Problems with a user name, empty when it is acceptable. */
export function usernameProblems(username: unknown, context: Pick<UserValidationContext, 'masterUsername'> = {}): string[] {
  if (typeof username !== 'string' || username.length === 0) return ['a user name is required'];
  const problems: string[] = [];
  if (username.length > MAX_USERNAME_LENGTH) {
    problems.push(`must be at most ${MAX_USERNAME_LENGTH} characters (it has ${username.length})`);
  }
  if (!USERNAME_PATTERN.test(username)) {
    problems.push('may contain only ASCII letters, digits, _ and $');
  }
  const lower = username.toLowerCase();
  if (RESERVED_USERNAMES.has(lower) || lower.startsWith('mysql.')) {
    problems.push('is reserved by RDS, MySQL or MariaDB; choose another name');
  }
  if (context.masterUsername !== undefined && lower === context.masterUsername.toLowerCase()) {
    problems.push('is the master user of this database, which must keep its password; choose another name');
  }
  return problems;
}

/** Validates and normalizes every user of one database; throws {@link UserSpecValidationError} listing every problem. */
export function validateUserSpecs(specs: readonly DatabaseUserSpec[], context: UserValidationContext): ValidatedUser[] {
  const problems: UserSpecProblem[] = [];
  const seen = new Set<string>();
  const users = specs.map((spec, index) => {
    const field = `users[${index}]`;
    for (const message of usernameProblems(spec.username, context)) {
      problems.push({ field: `${field}.username`, value: spec.username, message });
    }
    if (seen.has(spec.username)) {
      problems.push({ field: `${field}.username`, value: spec.username, message: 'is declared twice on this database; declare each user once' });
    }
    seen.add(spec.username);
    if (spec.removalPolicy !== 'drop' && spec.removalPolicy !== 'retain') {
      problems.push({ field: `${field}.removalPolicy`, value: spec.removalPolicy, message: "must be 'drop' or 'retain'" });
    }
    return {
      username: spec.username,
      grants: normalizeGrants(spec.grants, context.engine, `${field}.grants`, problems),
      requireSsl: spec.requireSsl,
      removalPolicy: spec.removalPolicy,
      adoptExistingUser: spec.adoptExistingUser,
    };
  });
  if (problems.length > 0) throw new UserSpecValidationError(problems);
  return users;
}

function normalizeGrants(
  grants: readonly UserGrant[],
  engine: DatabaseEngineFamily,
  field: string,
  problems: UserSpecProblem[],
): ValidatedGrant[] {
  const byTarget = new Map<string, { target: GrantTarget; privileges: Set<string> }>();
  grants.forEach((grant, index) => {
    const grantField = `${field}[${index}]`;
    let target: GrantTarget;
    try {
      target = parseGrantTarget(grant.on);
    } catch (error) {
      if (!(error instanceof GrantTargetError)) throw error;
      problems.push({ field: `${grantField}.on`, value: grant.on, message: error.message });
      return;
    }
    if (grant.privileges.length === 0) {
      problems.push({ field: `${grantField}.privileges`, value: grant.privileges, message: 'list at least one privilege' });
    }
    const key = formatGrantTarget(target);
    const entry = byTarget.get(key) ?? { target, privileges: new Set<string>() };
    byTarget.set(key, entry);
    for (const declared of grant.privileges) {
      for (const privilege of privilegeProblemsOrNames(declared, engine, target, `${grantField}.privileges`, problems)) {
        entry.privileges.add(privilege);
      }
    }
  });
  return [...byTarget.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, { target, privileges }]) => ({ target, privileges: [...privileges].sort() }));
}

/** The canonical privileges a declared name stands for at a target, recording a problem instead when it is not grantable. */
function privilegeProblemsOrNames(
  declared: string,
  engine: DatabaseEngineFamily,
  target: GrantTarget,
  field: string,
  problems: UserSpecProblem[],
): string[] {
  const name = typeof declared === 'string' ? canonicalPrivilegeName(engine, declared) : '';
  const on = formatGrantTarget(target);
  if (name === ALL_PRIVILEGES) {
    if (target.level === 'global') {
      problems.push({
        field, value: declared,
        message: 'ALL PRIVILEGES ON *.* includes SUPER, FILE and SHUTDOWN, which the RDS master user cannot grant; list the privileges instead',
      });
      return [];
    }
    return expandAllPrivileges(engine, target.level);
  }
  const levels = privilegeLevels(engine, name);
  if (levels === undefined) {
    problems.push({
      field, value: declared,
      message: `is not a ${engine === 'mysql' ? 'MySQL 8.0' : 'MariaDB'} privilege; known privileges: ${knownPrivileges(engine).join(', ')}, ALL`,
    });
    return [];
  }
  if (!levels.includes(target.level)) {
    problems.push({ field, value: declared, message: `can only be granted at the ${levels.join(' or ')} level, not on ${on}` });
    return [];
  }
  if (!RDS_MASTER_GRANTABLE_PRIVILEGES.has(name)) {
    problems.push({ field, value: declared, message: 'cannot be granted by the RDS master user, so no deploy could grant it' });
    return [];
  }
  return [name];
}
