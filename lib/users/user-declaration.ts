import { describeType } from './bounded-text';
import type { DatabaseUserSpec, PrivilegedAccessOptIn, UserGrant } from './database-user-spec';

/**
 * The first step of validation: a declaration as it arrives (from TypeScript, JavaScript, JSON config or a decoded
 * event) checked field by field for its type, with defaults applied. TypeScript's types vanish at run time, so
 * `adoptExistingUser: "false"`, `requireSsl: 0` or `on: 42` must be refused here, never coerced: a string is not a
 * boolean, whatever it says.
 */

/** Where in a declaration a problem is: `['grants', 0, 'on']`. */
export type DeclarationPath = readonly (string | number)[];

/** Receives each problem as it is found. */
export type ReportProblem = (path: DeclarationPath, value: unknown, message: string) => void;

/** The fields of a user declaration, in the order they are documented. */
export const USER_DECLARATION_FIELDS = ['username', 'grants', 'requireSsl', 'removalPolicy', 'adoptExistingUser', 'allowPrivileged'] as const;

/** A declaration with its types checked and defaults applied; `untyped` names the fields that were refused. */
export interface TypedDeclaration {
  readonly spec: DatabaseUserSpec;
  /** Fields whose value had the wrong type: later checks skip them, as their problem is already reported. */
  readonly untyped: ReadonlySet<string>;
}

/**
 * Checks the type of every field, reporting each mismatch with its path, and returns the declaration with defaults
 * applied (a field of the wrong type is replaced by a harmless placeholder and listed in `untyped`). `otherFields`
 * are fields the caller handles itself (e.g. `connectRoles`); any other unknown field is refused, so a misspelt
 * `requireSSL` does not silently fall back to the default.
 */
export function readUserDeclaration(input: unknown, otherFields: readonly string[], report: ReportProblem): TypedDeclaration | undefined {
  if (!isPlainObject(input)) {
    report([], input, `must be an object with ${USER_DECLARATION_FIELDS.join(', ')}; got ${describeType(input)}`);
    return undefined;
  }
  const untyped = new Set<string>();
  const known = new Set<string>([...USER_DECLARATION_FIELDS, ...otherFields]);
  for (const field of Object.keys(input)) {
    if (!known.has(field)) report([field], input[field], `is not a field of a database user; the fields are ${[...known].join(', ')}`);
  }
  const username = input.username;
  if (typeof username !== 'string') {
    report(['username'], username, `must be a string; got ${describeType(username)}`);
    untyped.add('username');
  }
  const requireSsl = optionalBoolean(input, 'requireSsl', true, report, untyped);
  const adoptExistingUser = optionalBoolean(input, 'adoptExistingUser', false, report, untyped);
  const removalPolicy = input.removalPolicy ?? 'drop';
  if (removalPolicy !== 'drop' && removalPolicy !== 'retain') {
    report(['removalPolicy'], input.removalPolicy, "must be 'drop' or 'retain' (RemovalPolicy.DESTROY or RemovalPolicy.RETAIN on the construct)");
    untyped.add('removalPolicy');
  }
  const grants = readGrants(input.grants, ['grants'], report) ?? [];
  if (input.grants !== undefined && !Array.isArray(input.grants)) untyped.add('grants');
  const allowPrivileged = readOptIn(input.allowPrivileged, report);
  return {
    spec: {
      username: typeof username === 'string' ? username : '',
      grants,
      requireSsl,
      removalPolicy: removalPolicy === 'retain' ? 'retain' : 'drop',
      adoptExistingUser,
      ...(allowPrivileged === undefined ? {} : { allowPrivileged }),
    },
    untyped,
  };
}

function optionalBoolean(input: Record<string, unknown>, field: string, byDefault: boolean, report: ReportProblem, untyped: Set<string>): boolean {
  const value = input[field];
  if (value === undefined) return byDefault;
  if (typeof value === 'boolean') return value;
  report([field], value, `must be true or false (a boolean), not ${describeType(value)}`);
  untyped.add(field);
  return byDefault;
}

/** The grants whose types are right; each wrong one is reported and left out. Undefined when `grants` is not an array. */
function readGrants(value: unknown, path: DeclarationPath, report: ReportProblem): UserGrant[] | undefined {
  if (!Array.isArray(value)) {
    report(path, value, `must be an array of { privileges: string[], on: string }; got ${describeType(value)}`);
    return undefined;
  }
  const grants: UserGrant[] = [];
  value.forEach((grant: unknown, index) => {
    const grantPath = [...path, index];
    if (!isPlainObject(grant)) {
      report(grantPath, grant, `must be an object { privileges: string[], on: string }; got ${describeType(grant)}`);
      return;
    }
    for (const field of Object.keys(grant)) {
      if (field !== 'privileges' && field !== 'on') report([...grantPath, field], grant[field], 'is not a field of a grant; the fields are privileges, on');
    }
    const { on, privileges } = grant;
    let typed = true;
    if (typeof on !== 'string') {
      report([...grantPath, 'on'], on, `must be a string ('*.*', 'db.*' or 'db.table'); got ${describeType(on)}`);
      typed = false;
    }
    if (!Array.isArray(privileges)) {
      report([...grantPath, 'privileges'], privileges, `must be an array of privilege names; got ${describeType(privileges)}`);
      typed = false;
    } else {
      privileges.forEach((privilege: unknown, position) => {
        if (typeof privilege !== 'string') {
          report([...grantPath, 'privileges', position], privilege, `must be a privilege name (a string); got ${describeType(privilege)}`);
          typed = false;
        }
      });
    }
    if (typed) grants.push({ on: on as string, privileges: privileges as string[] });
  });
  return grants;
}

function readOptIn(value: unknown, report: ReportProblem): PrivilegedAccessOptIn | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    report(['allowPrivileged'], value, `must be an object { reason: string, grants: [...] }; got ${describeType(value)}`);
    return undefined;
  }
  for (const field of Object.keys(value)) {
    if (field !== 'reason' && field !== 'grants') report(['allowPrivileged', field], value[field], 'is not a field of allowPrivileged; the fields are reason, grants');
  }
  const { reason } = value;
  if (typeof reason !== 'string') {
    report(['allowPrivileged', 'reason'], reason, `must be a string saying why this user needs these grants; got ${describeType(reason)}`);
  }
  const grants = readGrants(value.grants, ['allowPrivileged', 'grants'], report);
  if (typeof reason !== 'string' || grants === undefined) return undefined;
  return { reason, grants };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
