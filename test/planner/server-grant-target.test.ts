import {
  exactDatabasePattern,
  serverGrantTargetKey,
  serverGrantTargetSql,
  toServerGrantTarget,
} from '../../lib/planner/server-grant-target';

describe('server grant targets', () => {
  it.each([
    ['my_db', 'my\\_db'],
    ['100%', '100\\%'],
    ['plain', 'plain'],
    ['back\\slash', 'back\\\\slash'],
  ])('escapes the LIKE wildcards of database %s as %s', (database, pattern) => {
    expect(exactDatabasePattern(database)).toBe(pattern);
  });

  it.each([
    [{ level: 'global' } as const, '*.*'],
    [{ level: 'database', database: 'my_db' } as const, '`my\\_db`.*'],
    [{ level: 'table', database: 'my_db', table: 'my_table' } as const, '`my_db`.`my_table`'],
  ])('renders %j as %s, with exact database patterns and literal table-level names', (target, sql) => {
    expect(serverGrantTargetSql(toServerGrantTarget(target))).toBe(sql);
  });

  it('quotes names read from the server as one identifier each, even with dots or backticks', () => {
    expect(serverGrantTargetSql({ level: 'database', databasePattern: 'a.b' })).toBe('`a.b`.*');
    expect(serverGrantTargetSql({ level: 'table', database: 'x`y', table: 't.u' })).toBe('`x``y`.`t.u`');
  });

  it('renders a column target as its table (the column goes with each privilege)', () => {
    expect(serverGrantTargetSql({ level: 'column', database: 'app', table: 't', column: 'c' })).toBe('`app`.`t`');
  });

  it('folds names to lower case when the server stores them so', () => {
    expect(toServerGrantTarget({ level: 'table', database: 'App', table: 'Orders' }, 'lower')).toEqual({
      level: 'table', database: 'app', table: 'orders',
    });
    expect(toServerGrantTarget({ level: 'database', database: 'App_1' }, 'lower')).toEqual({
      level: 'database', databasePattern: 'app\\_1',
    });
  });

  it('gives a database and a table that look alike different keys', () => {
    const keys = [
      serverGrantTargetKey({ level: 'global' }),
      serverGrantTargetKey({ level: 'database', databasePattern: 'a' }),
      serverGrantTargetKey({ level: 'table', database: 'a', table: '*' }),
      serverGrantTargetKey({ level: 'database', databasePattern: 'a","b' }),
      serverGrantTargetKey({ level: 'table', database: 'a', table: 'b' }),
      serverGrantTargetKey({ level: 'column', database: 'a', table: 'b', column: 'c' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});
