import type { ServerGrantTarget } from './server-grant-target';

/**
 * One privilege a user holds on one target, as the server reports it in `information_schema`
 * (`USER_PRIVILEGES`, `SCHEMA_PRIVILEGES`, `TABLE_PRIVILEGES`, `COLUMN_PRIVILEGES`).
 */
export interface LivePrivilege {
  readonly target: ServerGrantTarget;
  /** `PRIVILEGE_TYPE` as reported, e.g. `SELECT`, `BINLOG MONITOR` or `USAGE`; the planner canonicalizes it. */
  readonly privilege: string;
  /** `IS_GRANTABLE = 'YES'`: the user holds `GRANT OPTION` on the target, which no declaration asks for. */
  readonly grantable: boolean;
}

/** What the server says about one user name at host `%`, read before planning. */
export interface LiveUserState {
  readonly username: string;
  readonly exists: boolean;
  /** `mysql.user.plugin`, e.g. `AWSAuthenticationPlugin` or `mysql_native_password`; absent when the user does not exist. */
  readonly plugin?: string;
  /** `mysql.user.ssl_type`: `''` (REQUIRE NONE), `ANY` (REQUIRE SSL), `X509` or `SPECIFIED`; absent when the user does not exist. */
  readonly sslType?: string;
  /** Every privilege row of the user; empty when the user does not exist. */
  readonly privileges: readonly LivePrivilege[];
}

/** `mysql.user.ssl_type` after `REQUIRE SSL` and after `REQUIRE NONE`, on MySQL 8 and MariaDB alike. */
export const SSL_TYPE_REQUIRE_SSL = 'ANY';
export const SSL_TYPE_REQUIRE_NONE = '';

/** The state of a user name the server does not know. */
export function absentUser(username: string): LiveUserState {
  return { username, exists: false, privileges: [] };
}
