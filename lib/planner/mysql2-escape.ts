import type * as Mysql2 from 'mysql2';

/**
 * mysql2's `escape` and `escapeId`, the one way the planner quotes SQL, with mysql2 loaded on the first statement
 * rather than when the package is imported: a CDK app that only declares users (synth) never loads the driver.
 */
let mysql2: typeof Mysql2 | undefined;

function driver(): typeof Mysql2 {
  mysql2 ??= require('mysql2') as typeof Mysql2;
  return mysql2;
}

/** A string literal, quoted and escaped by mysql2. */
export function escape(value: string): string {
  return driver().escape(value);
}

/** An identifier, backtick-quoted by mysql2; `forbidQualified` keeps a dot inside the name rather than splitting on it. */
export function escapeId(value: string, forbidQualified?: boolean): string {
  return driver().escapeId(value, forbidQualified);
}
