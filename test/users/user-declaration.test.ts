import { readUserDeclaration } from '../../lib/users/user-declaration';

interface Reported {
  readonly path: string;
  readonly value: unknown;
  readonly message: string;
}

function read(input: unknown, otherFields: readonly string[] = []) {
  const problems: Reported[] = [];
  const typed = readUserDeclaration(input, otherFields, (path, value, message) => problems.push({ path: path.join('.'), value, message }));
  return { typed, problems };
}

describe('readUserDeclaration', () => {
  it('applies the defaults to a minimal declaration', () => {
    const { typed, problems } = read({ username: 'app', grants: [] });
    expect(problems).toEqual([]);
    expect(typed?.spec).toEqual({ username: 'app', grants: [], requireSsl: true, removalPolicy: 'drop', adoptExistingUser: false });
  });

  it('keeps explicit choices and the opt-in', () => {
    const optIn = { reason: 'needs it for a reason', grants: [{ privileges: ['SELECT'], on: 'mysql.*' }] };
    const { typed, problems } = read({ username: 'app', grants: [], requireSsl: false, removalPolicy: 'retain', adoptExistingUser: true, allowPrivileged: optIn });
    expect(problems).toEqual([]);
    expect(typed?.spec).toMatchObject({ requireSsl: false, removalPolicy: 'retain', adoptExistingUser: true, allowPrivileged: optIn });
  });

  // Every field, every wrong type a JavaScript or JSON declaration can carry: refused with its path, never coerced.
  it.each<[string, Record<string, unknown>, string, unknown, RegExp]>([
    ['username as a number', { username: 42 }, 'username', 42, /must be a string; got a number/],
    ['username missing', { username: undefined }, 'username', undefined, /must be a string; got undefined/],
    ['grants missing', { grants: undefined }, 'grants', undefined, /must be an array/],
    ['grants as an object', { grants: { on: 'a.*' } }, 'grants', { on: 'a.*' }, /must be an array .* got an object/],
    ['a grant as a string', { grants: ['SELECT ON a.*'] }, 'grants.0', 'SELECT ON a.*', /must be an object/],
    ['a grant target as a number', { grants: [{ privileges: ['SELECT'], on: 42 }] }, 'grants.0.on', 42, /must be a string/],
    ['a grant target missing', { grants: [{ privileges: ['SELECT'] }] }, 'grants.0.on', undefined, /must be a string/],
    ['privileges as a string', { grants: [{ privileges: 'SELECT', on: 'a.*' }] }, 'grants.0.privileges', 'SELECT', /must be an array/],
    ['a privilege as a number', { grants: [{ privileges: ['SELECT', 7], on: 'a.*' }] }, 'grants.0.privileges.1', 7, /must be a privilege name/],
    ['a field unknown to grants', { grants: [{ privileges: ['SELECT'], on: 'a.*', withGrantOption: true }] }, 'grants.0.withGrantOption', true, /not a field of a grant/],
    ['requireSsl as "false"', { requireSsl: 'false' }, 'requireSsl', 'false', /must be true or false .* not a string/],
    ['requireSsl as 0', { requireSsl: 0 }, 'requireSsl', 0, /must be true or false .* not a number/],
    ['requireSsl as null', { requireSsl: null }, 'requireSsl', null, /must be true or false .* not null/],
    ['adoptExistingUser as "false"', { adoptExistingUser: 'false' }, 'adoptExistingUser', 'false', /must be true or false/],
    ['adoptExistingUser as 1', { adoptExistingUser: 1 }, 'adoptExistingUser', 1, /must be true or false/],
    ['removalPolicy as "destroy"', { removalPolicy: 'destroy' }, 'removalPolicy', 'destroy', /must be 'drop' or 'retain'/],
    ['removalPolicy as "RETAIN"', { removalPolicy: 'RETAIN' }, 'removalPolicy', 'RETAIN', /must be 'drop' or 'retain'/],
    ['an unknown field', { requireSSL: false }, 'requireSSL', false, /not a field of a database user/],
    ['allowPrivileged as true', { allowPrivileged: true }, 'allowPrivileged', true, /must be an object/],
    ['an opt-in reason as a number', { allowPrivileged: { reason: 1, grants: [] } }, 'allowPrivileged.reason', 1, /must be a string/],
    ['opt-in grants missing', { allowPrivileged: { reason: 'a good reason here' } }, 'allowPrivileged.grants', undefined, /must be an array/],
    ['a field unknown to the opt-in', { allowPrivileged: { reason: 'a good reason here', grants: [], rules: ['*'] } }, 'allowPrivileged.rules', ['*'], /not a field of allowPrivileged/],
  ])('refuses %s', (_label, overrides, path, value, message) => {
    const { problems } = read({ username: 'app', grants: [], ...overrides });
    expect(problems).toEqual([expect.objectContaining({ path, value, message: expect.stringMatching(message) })]);
  });

  it.each([null, 'app', 42, ['app'], new Date(0)])('refuses a declaration that is not a plain object: %p', (input) => {
    const { typed, problems } = read(input);
    expect(typed).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ path: '', message: expect.stringMatching(/must be an object/) })]);
  });

  it("accepts the caller's own fields, and only those", () => {
    expect(read({ username: 'app', grants: [], connectRoles: ['Api'] }, ['connectRoles']).problems).toEqual([]);
    expect(read({ username: 'app', grants: [], connectRoles: ['Api'] }).problems).toEqual([
      expect.objectContaining({ path: 'connectRoles', message: expect.stringMatching(/not a field of a database user/) }),
    ]);
  });
});
