import { RdsIamError } from '../errors/rds-iam-error';

/** Errors the pure planner raises. Each has a stable `code`, names the user or value, and says what to do. */

/** A declared user already exists with another authentication plugin (a password user made by hand, say). */
export class UserTakeoverError extends RdsIamError {
  constructor(public readonly users: readonly { readonly username: string; readonly plugin: string }[]) {
    super(
      'RDS_IAM_USER_TAKEOVER_REFUSED',
      `refusing to take over existing database user(s) that do not authenticate with IAM: ${users
        .map((user) => `'${user.username}' (plugin ${user.plugin})`)
        .join(', ')}. Converting them would remove their password and revoke grants that are not declared. ` +
        'If that is intended, set adoptExistingUser: true on those users; otherwise choose other user names. Nothing was changed.',
    );
    this.name = 'UserTakeoverError';
  }
}

/** The server reported something the planner cannot turn into safe SQL (it never guesses). */
export class UnexpectedServerStateError extends RdsIamError {
  constructor(message: string) {
    super('RDS_IAM_UNEXPECTED_SERVER_STATE', `${message}. Nothing was changed; fix the user by hand or report this as a bug.`);
    this.name = 'UnexpectedServerStateError';
  }
}
