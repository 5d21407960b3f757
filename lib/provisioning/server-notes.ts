import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { DatabaseEngineFamily } from '../users/database-user-spec';

/**
 * The notes and warnings a statement leaves (`SHOW WARNINGS`), read by code: the two engines give the same
 * situation different codes, and their text is not a contract.
 *
 * | situation                                   | MySQL 8/9 | MariaDB 10.x/11.x |
 * |---------------------------------------------|-----------|-------------------|
 * | `CREATE USER IF NOT EXISTS` of an existing user | 3163  | 1973              |
 * | `DROP USER IF EXISTS` of a missing user     | 3162      | 1974              |
 */

/** What a known note says about the account the statement was for. */
export type NoteMeaning = 'user-already-existed' | 'user-was-already-gone';

const KNOWN_NOTES: Readonly<Record<DatabaseEngineFamily, Readonly<Record<number, NoteMeaning>>>> = {
  mysql: { 3163: 'user-already-existed', 3162: 'user-was-already-gone' },
  mariadb: { 1973: 'user-already-existed', 1974: 'user-was-already-gone' },
};

/** A note or warning the server left, with its meaning when the code is a known one for the engine. */
export interface ServerNote {
  readonly level: string;
  readonly code: number;
  readonly meaning?: NoteMeaning;
  /** The server's text, cut to a bounded length. */
  readonly message: string;
}

const MESSAGE_LIMIT = 200;

/** The code's meaning on this engine, or undefined for a code the provisioner does not expect. */
export function noteMeaning(engine: DatabaseEngineFamily, code: number): NoteMeaning | undefined {
  return KNOWN_NOTES[engine][code];
}

/** `SHOW WARNINGS` after a statement whose result says it left any; nothing (and no round trip) otherwise. */
export async function readServerNotes(connection: Connection, result: unknown, engine: DatabaseEngineFamily): Promise<ServerNote[]> {
  if (((result as Partial<ResultSetHeader> | undefined)?.warningStatus ?? 0) === 0) return [];
  const [rows] = await connection.query<RowDataPacket[]>('SHOW WARNINGS');
  return rows.map((row) => {
    const code = Number(row.Code);
    const meaning = noteMeaning(engine, code);
    const message = String(row.Message);
    return {
      level: String(row.Level),
      code,
      ...(meaning === undefined ? {} : { meaning }),
      message: message.length > MESSAGE_LIMIT ? `${message.slice(0, MESSAGE_LIMIT)}…` : message,
    };
  });
}
