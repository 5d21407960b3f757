import type { DatabaseEngineFamily, DatabaseUserSpec } from './database-user-spec';
import { formatGrantTarget } from './grant-target';
import { reservedAccountReason } from './reserved-accounts';
import { UserSpecProblem, UserSpecValidationError } from './user-spec-problems';
import { readUserDeclaration, USER_DECLARATION_FIELDS } from './user-declaration';
import { validateGrants, ValidatedGrant, ValidatedOptIn } from './validate-grants';

export * from './user-spec-problems';
export type { ValidatedGrant, ValidatedOptIn } from './validate-grants';

/**
 * The single home of what a declared user may look like: types, defaults, names, grants and the least-privilege
 * rules. The stack and the constructs run it at synth; the provisioner Lambda and the CLI run it on what reaches
 * them, against the live engine and the master user name from the secret, before the first statement.
 */

/** MySQL's limit on user names (MariaDB allows more; the stricter one wins). */
export const MAX_USERNAME_LENGTH = 32;
export const USERNAME_PATTERN = /^[A-Za-z0-9_$]+$/;

/** A user with defaults applied and its grants normalized: canonical privilege names, `ALL` expanded, one entry per target, sorted. */
export interface ValidatedUser {
  readonly username: string;
  readonly grants: readonly ValidatedGrant[];
  readonly requireSsl: boolean;
  readonly removalPolicy: DatabaseUserSpec['removalPolicy'];
  readonly adoptExistingUser: boolean;
  /** The reviewed exception to the least-privilege rules, when declared. */
  readonly allowPrivileged?: ValidatedOptIn;
}

export interface UserValidationContext {
  readonly engine: DatabaseEngineFamily;
  /**
   * The engine version, when known: an environment's declared version at synth, the live server's in the
   * provisioner. MySQL's dynamic privileges differ by version (8.0, 8.4, 9.7), and so does what RDS gives its master.
   * @default - unknown: grants are checked against every supported version of the engine, and again at deploy
   */
  readonly engineVersion?: string;
  /**
   * The database's master user name, which must never be declared as an IAM user.
   * @default - unknown here: the provisioner checks it at deploy, from the master secret, before the first statement
   */
  readonly masterUsername?: string;
  /**
   * The IAM admin user the provisioner logs in as instead of the master (`DatabaseUserProvisioner`'s `adminUser`),
   * which must never be declared either: the provisioner would change or drop the account it acts as.
   * @default - none: the provisioner logs in as the master
   */
  readonly adminUsername?: string;
  /**
   * The set was declared by an earlier deploy (CloudFormation's old properties, the deployed template). The planner
   * takes only names and removal policies from it, so the least-privilege rules are not applied again: a deploy that
   * removes a grant they now refuse must be able to run. Reserved names and the master user are still refused.
   * @default false
   */
  readonly declaredBefore?: boolean;
  /**
   * Fields a declaration may carry besides a user's own, which the caller handles (e.g. `connectRoles`).
   * @default - none: any other field is refused
   */
  readonly otherFields?: readonly string[];
}

/** Validated users, or every problem found. */
export type UserSetCheck =
  | { readonly ok: true; readonly users: ValidatedUser[] }
  | { readonly ok: false; readonly problems: UserSpecProblem[] };

/** Problems with a user name, empty when it is acceptable. */
export function usernameProblems(username: string, context: Pick<UserValidationContext, 'masterUsername' | 'adminUsername'> = {}): string[] {
  if (username.length === 0) return ['a user name is required'];
  const problems: string[] = [];
  if (username.length > MAX_USERNAME_LENGTH) {
    problems.push(`must be at most ${MAX_USERNAME_LENGTH} characters (it has ${username.length.toLocaleString('en-US')})`);
  }
  if (!USERNAME_PATTERN.test(username)) problems.push('may contain only ASCII letters, digits, _ and $');
  const reserved = reservedAccountReason(username);
  if (reserved !== undefined) problems.push(`${reserved}: never created, adopted, granted to or dropped by this project; choose another name`);
  if (context.masterUsername !== undefined && username.toLowerCase() === context.masterUsername.toLowerCase()) {
    problems.push('is the master user of this database, which must keep its password; choose another name');
  }
  if (context.adminUsername !== undefined && username.toLowerCase() === context.adminUsername.toLowerCase()) {
    problems.push('is the IAM admin user the provisioner logs in as, which it never creates, changes or drops; choose another name');
  }
  return problems;
}

/**
 * Applies defaults to every declaration and validates them as one set (types, names, duplicates, grants, the
 * least-privilege rules and opt-ins), returning the validated users or every problem with its place.
 */
export function checkUserDeclarations(declarations: readonly unknown[], context: UserValidationContext): UserSetCheck {
  const problems: UserSpecProblem[] = [];
  const seen = new Set<string>();
  const users: ValidatedUser[] = [];
  declarations.forEach((declaration, userIndex) => {
    const report = (path: readonly (string | number)[], value: unknown, message: string): void => {
      problems.push({ userIndex, path, value, message });
    };
    const typed = readUserDeclaration(declaration, context.otherFields ?? [], report);
    if (typed === undefined) return;
    const { spec, untyped } = typed;
    if (!untyped.has('username')) {
      for (const message of usernameProblems(spec.username, context)) report(['username'], spec.username, message);
      if (seen.has(spec.username)) report(['username'], spec.username, 'is declared twice on this database; declare each user once');
      seen.add(spec.username);
    }
    const { grants, allowPrivileged } = validateGrants(spec.grants, spec.allowPrivileged, {
      engine: context.engine,
      ...(context.engineVersion === undefined ? {} : { engineVersion: context.engineVersion }),
      declaredBefore: context.declaredBefore ?? false,
    }, report);
    users.push({
      username: spec.username,
      grants,
      requireSsl: spec.requireSsl,
      removalPolicy: spec.removalPolicy,
      adoptExistingUser: spec.adoptExistingUser,
      ...(allowPrivileged === undefined ? {} : { allowPrivileged }),
    });
  });
  return problems.length === 0 ? { ok: true, users } : { ok: false, problems: problems.sort(byPlace) };
}

/** Problems in the order of the declarations: by user, then field (in documented order), then position. */
function byPlace(a: UserSpecProblem, b: UserSpecProblem): number {
  if (a.userIndex !== b.userIndex) return a.userIndex - b.userIndex;
  const fieldRank = (path: UserSpecProblem['path']): number => {
    const index = USER_DECLARATION_FIELDS.indexOf(path[0] as (typeof USER_DECLARATION_FIELDS)[number]);
    return path.length === 0 ? -2 : index === -1 ? -1 : index;
  };
  const byField = fieldRank(a.path) - fieldRank(b.path);
  if (byField !== 0) return byField;
  for (let i = 1; i < Math.min(a.path.length, b.path.length); i += 1) {
    const [x, y] = [a.path[i], b.path[i]];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return 0;
  }
  return 0;
}

/** {@link checkUserDeclarations}, throwing {@link UserSpecValidationError} listing the problems (bounded) when there are any. */
export function validateUserSpecs(specs: readonly unknown[], context: UserValidationContext, setName = 'users'): ValidatedUser[] {
  const checked = checkUserDeclarations(specs, context);
  if (!checked.ok) throw new UserSpecValidationError(checked.problems, setName);
  return checked.users;
}

/** The declared form of a validated user (targets spelled out): what the custom resource carries. */
export function declaredSpecOf(user: ValidatedUser): DatabaseUserSpec {
  const spelled = (grants: readonly ValidatedGrant[]) => grants.map((grant) => ({ on: formatGrantTarget(grant.target), privileges: grant.privileges }));
  return {
    username: user.username,
    grants: spelled(user.grants),
    requireSsl: user.requireSsl,
    removalPolicy: user.removalPolicy,
    adoptExistingUser: user.adoptExistingUser,
    ...(user.allowPrivileged === undefined ? {} : { allowPrivileged: { reason: user.allowPrivileged.reason, grants: spelled(user.allowPrivileged.grants) } }),
  };
}
