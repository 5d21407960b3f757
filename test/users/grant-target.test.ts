import { checkGrantTarget, formatGrantTarget, GrantTargetError, parseGrantTarget } from '../../lib/users/grant-target';

describe('grant targets', () => {
  it.each([
    ['*.*', { level: 'global' }],
    ['app.*', { level: 'database', database: 'app' }],
    ['app.orders', { level: 'table', database: 'app', table: 'orders' }],
    [`${'a'.repeat(64)}.*`, { level: 'database', database: 'a'.repeat(64) }],
    // At the table level names are not patterns, so not escaped: 64 characters with _ fit.
    [`${'a_'.repeat(32)}.t`, { level: 'table', database: 'a_'.repeat(32), table: 't' }],
  ])('reads %s, and spells it back the same', (on, target) => {
    expect(parseGrantTarget(on)).toEqual(target);
    expect(formatGrantTarget(parseGrantTarget(on))).toBe(on);
  });

  it.each([
    ['a.b.c', "must be '*.*', 'db.*' or 'db.table'"],
    ['app', "must be '*.*', 'db.*' or 'db.table'"],
    ["a'b.*", 'database name "a\'b" must be 1-64 characters'],
    ['app.t`x', 'table name "t`x" must be'],
    [`${'a'.repeat(65)}.*`, 'database name'],
    // 64 characters with 32 underscores are 96 once escaped as a pattern: the server would refuse the GRANT.
    [`${'a_'.repeat(32)}.*`, 'is 96 characters once its _ are escaped for the grant'],
    [`${'b'.repeat(60)}____.*`, 'is 68 characters once its _ are escaped'],
  ])('refuses %s: %s', (on, problem) => {
    const checked = checkGrantTarget(on);
    expect('problem' in checked && checked.problem).toContain(problem);
    expect(() => parseGrantTarget(on)).toThrow(GrantTargetError);
  });

  it('quotes at most 64 characters of a huge target in its error', () => {
    let message = '';
    try {
      parseGrantTarget(`${'x'.repeat(100_000)}.*`);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.length).toBeLessThan(400);
    expect(message).toContain('(100,002 characters)');
  });
});
