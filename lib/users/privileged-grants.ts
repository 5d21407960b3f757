import type { DatabaseEngineFamily } from './database-user-spec';
import type { GrantTarget } from './grant-target';
import { isDynamicPrivilegeOn, serverLinesOf } from './privilege-catalogues';
import { privilegeLevels, rdsMasterCanGrant } from './privileges';

/**
 * The least-privilege rules: grants that would give a declared user a path to the master account (or to the server
 * around it). Each is refused at synth and again at run time, unless the one user's `allowPrivileged` names it with a
 * reason; those the project can never grant are refused either way.
 *
 * - `system-schema`: anything on `mysql`, `sys`, `performance_schema` or `information_schema`, in any case.
 * - `account-admin`: privileges that create, change or act as other accounts (MySQL 8.0/8.4/9.x, MariaDB 10.x/11.x).
 * - `server-admin`: privileges over other accounts' sessions or the server every account runs on, and MySQL dynamic
 *   privileges not yet reviewed (see {@link REVIEWED_DYNAMIC_PRIVILEGES}).
 * - `all-databases`: privileges on `*.*` that reach into every database, the system schemas included, and readers
 *   of the binary log, which records every change, account changes with their password hashes included.
 * @see https://dev.mysql.com/doc/refman/8.4/en/privileges-provided.html
 * @see https://mariadb.com/docs/server/reference/sql-statements/account-management-sql-statements/grant
 */
export type PrivilegedGrantRule = 'system-schema' | 'account-admin' | 'server-admin' | 'all-databases';

/** The system schemas, lower case, and what a grant on each opens. */
export const SYSTEM_SCHEMAS: Readonly<Record<string, string>> = {
  mysql:
    'holds every account with its password hash (mysql.user, mysql.global_priv) and privileges: reading it exposes ' +
    "the master's hash, writing it changes the master's password",
  sys: "holds routines that run with their caller's privileges: one created or changed there runs as whoever calls it next, the master included",
  performance_schema: "shows every session's statements and connection attributes, the master's included, and its setup tables switch that record off",
  information_schema:
    "describes every account's privileges; a grant on it is refused by MySQL, and MariaDB takes the escaped name as a pattern",
};

interface PrivilegeRisk {
  readonly rule: Exclude<PrivilegedGrantRule, 'system-schema'>;
  readonly reason: string;
}

const DEFINER_REASON =
  "sets any account as the DEFINER of a view, trigger, event or routine, which then runs with that account's privileges, the master's included";

/** Privileges refused wherever they are granted, by canonical name (MySQL's dynamic privileges are spelled with `_`). */
const RISKY_PRIVILEGES: Readonly<Record<string, PrivilegeRisk>> = {
  'CREATE USER': {
    rule: 'account-admin',
    reason: 'creates, alters, renames and drops any account: ALTER USER with it takes over the master account',
  },
  'GRANT OPTION': { rule: 'account-admin', reason: "passes the holder's privileges on to any account" },
  'CREATE ROLE': { rule: 'account-admin', reason: 'creates roles, which MySQL keeps as accounts' },
  'DROP ROLE': { rule: 'account-admin', reason: 'drops roles, and before MySQL 8.0.16 any account' },
  ROLE_ADMIN: { rule: 'account-admin', reason: 'grants and revokes any role to and from any account' },
  SYSTEM_USER: { rule: 'account-admin', reason: 'lets the holder change the system accounts MySQL protects from everyone else' },
  SET_USER_ID: { rule: 'account-admin', reason: DEFINER_REASON },
  SET_ANY_DEFINER: { rule: 'account-admin', reason: DEFINER_REASON },
  'SET USER': { rule: 'account-admin', reason: DEFINER_REASON },
  ALLOW_NONEXISTENT_DEFINER: {
    rule: 'account-admin',
    reason: 'creates objects for a DEFINER that does not exist, and accounts that adopt orphaned ones: whoever gets that name runs them',
  },
  AUTHENTICATION_POLICY_ADMIN: { rule: 'account-admin', reason: 'changes and bypasses how accounts must authenticate' },
  PASSWORDLESS_USER_ADMIN: { rule: 'account-admin', reason: 'creates accounts that log in without a password' },
  PROXY: { rule: 'account-admin', reason: 'logs in as another account' },
  SUPER: { rule: 'account-admin', reason: 'includes setting any DEFINER, killing any connection and changing global settings' },
  FILE: { rule: 'server-admin', reason: "reads and writes files on the server host, mysql.*'s data files included" },
  CONNECTION_ADMIN: { rule: 'server-admin', reason: "kills any account's connections, the master's too, and ignores connection limits and read-only mode" },
  'CONNECTION ADMIN': { rule: 'server-admin', reason: "kills any account's connections, the master's too, and ignores connection limits" },
  SYSTEM_VARIABLES_ADMIN: { rule: 'server-admin', reason: 'changes settings every account runs under, e.g. init_connect, SQL run at each login' },
  'READ_ONLY ADMIN': { rule: 'server-admin', reason: 'writes while the server is read-only' },
  BINLOG_ADMIN: { rule: 'server-admin', reason: 'purges the binary log and turns it off for a session: changes then leave no record' },
  'BINLOG ADMIN': { rule: 'server-admin', reason: 'purges the binary log and turns it off for a session: changes then leave no record' },
  REPLICATION_APPLIER: { rule: 'server-admin', reason: 'replays binary log events (BINLOG statements) as changes of its own' },
  'BINLOG REPLAY': { rule: 'server-admin', reason: 'replays binary log events (BINLOG statements) as changes of its own' },
  'FEDERATED ADMIN': { rule: 'server-admin', reason: "defines the remote servers (CREATE SERVER) every account's FEDERATED tables connect to" },
  AUDIT_ADMIN: { rule: 'server-admin', reason: 'configures, and can switch off, the audit log of every account' },
  FIREWALL_ADMIN: { rule: 'server-admin', reason: "changes every account's SQL firewall rules" },
};

/**
 * The dynamic privileges (MySQL 8.0+) the rules let through, each with why it opens no path to the master account:
 * those the RDS master can grant (privilege-catalogues.ts) that are not in {@link RISKY_PRIVILEGES}. A dynamic
 * privilege in neither list (one a new MySQL or RDS release adds to the catalogue) is refused as `server-admin`
 * until it is reviewed and listed here or there.
 */
const REVIEWED_DYNAMIC_PRIVILEGES: Readonly<Record<string, string>> = {
  SHOW_ROUTINE: 'reads the definitions of stored routines, not their data, and no account',
  XA_RECOVER_ADMIN: 'lists the ids of prepared XA transactions (XA RECOVER) and changes nothing',
  APPLICATION_PASSWORD_ADMIN: "keeps a secondary password on the holder's own account only",
  FLUSH_OPTIMIZER_COSTS: 'reloads the optimizer cost tables',
  FLUSH_PRIVILEGES: 'reloads the grant tables as they are; it changes no grant',
  FLUSH_STATUS: 'resets status counters',
  FLUSH_TABLES: 'closes open tables (FLUSH TABLES), as RELOAD, which the rules allow, already does',
  FLUSH_USER_RESOURCES: 'resets the per-hour connection and query counters',
};

/** Why a dynamic privilege is allowed, for the README and tests; undefined when it is refused or not dynamic. */
export function reviewedDynamicPrivilegeReason(privilege: string): string | undefined {
  return Object.hasOwn(REVIEWED_DYNAMIC_PRIVILEGES, privilege) ? REVIEWED_DYNAMIC_PRIVILEGES[privilege] : undefined;
}

/** Global privileges that read the binary log: every change of every account, in every database. */
const BINARY_LOG_READERS: Readonly<Record<string, string>> = {
  'REPLICATION SLAVE': 'streams the binary log',
  // MariaDB 10.5+: what REPLICATION CLIENT became; it includes SHOW BINLOG EVENTS.
  'BINLOG MONITOR': 'lists binary log events (SHOW BINLOG EVENTS; MariaDB reads REPLICATION CLIENT as BINLOG MONITOR)',
};

/** Why a privilege on a target is refused. */
export interface PrivilegedGrantFinding {
  readonly rule: PrivilegedGrantRule;
  /**
   * `privilege`: the privilege is the risk wherever it is granted, and `reason` says what it does ("creates, alters…").
   * `target`: the target is the risk for any privilege, and `reason` is a sentence about it ("the mysql system schema…").
   */
  readonly subject: 'privilege' | 'target';
  readonly reason: string;
  /**
   * An `allowPrivileged` entry can lift it: the engine has the privilege at that level and the RDS master user can
   * grant it. Otherwise no deploy could grant it at all.
   */
  readonly waivable: boolean;
  /** Refused only because no one has reviewed the dynamic privilege yet: a catalogue reason (withheld…) says more. */
  readonly unreviewed?: true;
}

/** The system schema a target is in (lower case), if any. */
export function systemSchemaOf(target: GrantTarget): string | undefined {
  if (target.level === 'global') return undefined;
  const schema = target.database.toLowerCase();
  return Object.hasOwn(SYSTEM_SCHEMAS, schema) ? schema : undefined;
}

/** What, if anything, the least-privilege rules say about a canonical privilege on a target. */
export function privilegedGrantFinding(engine: DatabaseEngineFamily, privilege: string, target: GrantTarget): PrivilegedGrantFinding | undefined {
  const waivable = (privilegeLevels(engine, privilege)?.includes(target.level) ?? false) && rdsMasterCanGrant(engine, privilege);
  const risk = Object.hasOwn(RISKY_PRIVILEGES, privilege) ? RISKY_PRIVILEGES[privilege] : undefined;
  if (risk !== undefined) return { rule: risk.rule, subject: 'privilege', reason: risk.reason, waivable };
  if (isDynamicPrivilegeOn(serverLinesOf(engine), privilege) && reviewedDynamicPrivilegeReason(privilege) === undefined) {
    return { rule: 'server-admin', subject: 'privilege', reason: 'is a dynamic privilege this project has not reviewed for a path to the master account', waivable, unreviewed: true };
  }
  const schema = systemSchemaOf(target);
  if (schema !== undefined) {
    return { rule: 'system-schema', subject: 'target', reason: `the ${schema} system schema ${SYSTEM_SCHEMAS[schema]}`, waivable };
  }
  if (target.level !== 'global') return undefined;
  if (Object.hasOwn(BINARY_LOG_READERS, privilege)) {
    return {
      rule: 'all-databases',
      subject: 'privilege',
      reason: `${BINARY_LOG_READERS[privilege]}: the binary log records every change in every database, account changes with their password hashes included`,
      waivable,
    };
  }
  if (privilegeLevels(engine, privilege)?.includes('database') === true) {
    return {
      rule: 'all-databases',
      subject: 'target',
      reason: "*.* covers every database, the mysql schema (accounts and their password hashes) and sys included: grant on the databases the user needs ('app.*')",
      waivable,
    };
  }
  return undefined;
}
