import { listProblems, quoteValue } from './bounded-text';
import type { DeclarationPath } from './user-declaration';
import { RdsIamError } from '../errors/rds-iam-error';

/**
 * One reason a declaration is refused. Its place is data (which user of the set, which field of it), so a construct,
 * a stack or the Lambda each say it in their own words without parsing a string back.
 */
export interface UserSpecProblem {
  /** Position of the user in the set it was validated in. */
  readonly userIndex: number;
  /** The field within that user: `['grants', 0, 'on']`; empty for the declaration as a whole. */
  readonly path: DeclarationPath;
  /** The offending value, as given (quoted bounded when shown). */
  readonly value: unknown;
  /** Why, and what to do. */
  readonly message: string;
}

/** `grants[0].on`, or with `setName` `users[3].grants[0].on`. */
export function problemLocation(problem: Pick<UserSpecProblem, 'userIndex' | 'path'>, setName?: string): string {
  let location = setName === undefined ? '' : `${setName}[${problem.userIndex}]`;
  for (const segment of problem.path) {
    location += typeof segment === 'number' ? `[${segment}]` : `${location === '' ? '' : '.'}${segment}`;
  }
  return location === '' ? 'declaration' : location;
}

/** `users[3].grants[0].on = "x": why`, the value quoted bounded. */
export function describeProblem(problem: UserSpecProblem, setName?: string): string {
  return `${problemLocation(problem, setName)} = ${quoteValue(problem.value)}: ${problem.message}`;
}

/** Every problem listed (a bounded number in full, then a count), one per line. */
export function describeProblems(problems: readonly UserSpecProblem[], setName?: string): string {
  return listProblems(problems.map((problem) => describeProblem(problem, setName)));
}

/** A user set refused as a whole, with every problem in `problems` and a bounded message. */
export class UserSpecValidationError extends RdsIamError {
  constructor(
    public readonly problems: readonly UserSpecProblem[],
    /** How the set is named in the message: `users` for the declaration, `previousUsers` for the deployed one. */
    public readonly setName: string = 'users',
  ) {
    super('RDS_IAM_INVALID_USER_SPEC', `invalid database user declaration:\n${describeProblems(problems, setName)}`);
    this.name = 'UserSpecValidationError';
  }
}
