import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { LivePrivilege, LiveUserState } from '../planner/live-user-state';
import { absentUser } from '../planner/live-user-state';
import type { IdentifierCase, ServerGrantTarget } from '../planner/server-grant-target';
import type { DatabaseEngineFamily } from '../users/database-user-spec';
import { USER_HOST } from '../users/database-user-spec';

/**
 * Reads what the planner needs to know about the server and its users. Every query is parameterized and covers the
 * whole user set: a thousand users cost two round trips (accounts, then privileges), not thousands.
 * Privileges come from `information_schema`, which MySQL 8 and MariaDB both provide, never from `SHOW GRANTS` text.
 */

/** What decides how statements are written and compared. */
export interface ServerTraits {
  readonly engine: DatabaseEngineFamily;
  /** `SELECT VERSION()`, e.g. `8.0.mysql_aurora.3.08.0` or `10.11.9-MariaDB-log`. */
  readonly version: string;
  readonly identifierCase: IdentifierCase;
}

export async function detectServer(connection: Connection): Promise<ServerTraits> {
  const [rows] = await connection.query<RowDataPacket[]>(
    'SELECT VERSION() AS version, @@lower_case_table_names AS lowerCaseTableNames',
  );
  const version = String(rows[0].version);
  return {
    engine: /mariadb/i.test(version) ? 'mariadb' : 'mysql',
    version,
    // 1: names are stored in lower case. 2 (macOS only) stores them as given and compares them folded.
    identifierCase: Number(rows[0].lowerCaseTableNames) === 1 ? 'lower' : 'exact',
  };
}

/** The four privilege levels of `information_schema` in one round trip, one row per privilege. */
const PRIVILEGES_QUERY = [
  "SELECT 'global' AS level, GRANTEE AS grantee, NULL AS db, NULL AS tbl, NULL AS col, PRIVILEGE_TYPE AS privilege, IS_GRANTABLE AS grantable FROM information_schema.USER_PRIVILEGES WHERE GRANTEE IN (?)",
  "SELECT 'database', GRANTEE, TABLE_SCHEMA, NULL, NULL, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE IN (?)",
  "SELECT 'table', GRANTEE, TABLE_SCHEMA, TABLE_NAME, NULL, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE IN (?)",
  "SELECT 'column', GRANTEE, TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.COLUMN_PRIVILEGES WHERE GRANTEE IN (?)",
].join(' UNION ALL ');

function privilegeTarget(row: RowDataPacket): ServerGrantTarget {
  switch (row.level) {
    case 'global':
      return { level: 'global' };
    case 'database':
      return { level: 'database', databasePattern: String(row.db) };
    case 'table':
      return { level: 'table', database: String(row.db), table: String(row.tbl) };
    default:
      return { level: 'column', database: String(row.db), table: String(row.tbl), column: String(row.col) };
  }
}

/** How `information_schema` spells an account: `'name'@'%'`. */
function grantee(username: string): string {
  return `'${username}'@'${USER_HOST}'`;
}

interface MutableUserState {
  username: string;
  exists: boolean;
  plugin?: string;
  sslType?: string;
  privileges: LivePrivilege[];
}

/** The live state of each user name at host `%`; names the server does not know come back with `exists: false`. */
export async function readLiveUserState(
  connection: Connection,
  usernames: readonly string[],
): Promise<Map<string, LiveUserState>> {
  const states = new Map<string, MutableUserState>(usernames.map((username) => [username, { ...absentUser(username), privileges: [] }]));
  if (states.size === 0) return states;
  const names = [...states.keys()];
  const byGrantee = new Map(names.map((username) => [grantee(username), states.get(username)!]));
  const grantees = [...byGrantee.keys()];

  const [users] = await connection.query<RowDataPacket[]>(
    'SELECT User AS username, plugin, ssl_type AS sslType FROM mysql.user WHERE Host = ? AND User IN (?)',
    [USER_HOST, names],
  );
  for (const row of users) {
    // `User` compares exactly (binary collation), so the row belongs to the name it was asked for.
    const state = states.get(String(row.username));
    if (state === undefined) continue;
    state.exists = true;
    state.plugin = String(row.plugin);
    state.sslType = String(row.sslType ?? '');
  }

  const [privilegeRows] = await connection.query<RowDataPacket[]>(PRIVILEGES_QUERY, [grantees, grantees, grantees, grantees]);
  for (const row of privilegeRows) {
    // GRANTEE compares case-insensitively in information_schema: keep only exact matches.
    const state = byGrantee.get(String(row.grantee));
    if (state === undefined) continue;
    state.privileges.push({ target: privilegeTarget(row), privilege: String(row.privilege), grantable: row.grantable === 'YES' });
  }
  return states;
}
