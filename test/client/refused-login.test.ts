import { IamLoginRefusedError, resolveConnectionTarget } from '../../lib/client';
import { isAccessDenied, refusedLoginError } from '../../lib/client/refused-login';

/** mysql2's error for a refused login, as the driver raises it. */
const accessDenied = Object.assign(new Error("Access denied for user 'app_rw'@'10.0.3.17' (using password: YES)"), {
  code: 'ER_ACCESS_DENIED_ERROR',
  errno: 1045,
  sqlState: '28000',
});
const SIGNED = { region: 'eu-west-1', signedAt: new Date('2026-11-30T05:41:07Z') };

describe('refusedLoginError', () => {
  it.each([
    ['orders.cluster-c9akciq32xyz.eu-west-1.rds.amazonaws.com', 'arn:aws:rds-db:eu-west-1:<account>:dbuser:cluster-<DbClusterResourceId>/app_rw'],
    ['orders.cluster-ro-c9akciq32xyz.eu-west-1.rds.amazonaws.com', 'arn:aws:rds-db:eu-west-1:<account>:dbuser:cluster-<DbClusterResourceId>/app_rw'],
    ['orders.c9akciq32xyz.eu-west-1.rds.amazonaws.com', 'arn:aws:rds-db:eu-west-1:<account>:dbuser:db-<DbiResourceId>/app_rw'],
    ['orders-dev-proxy.proxy-c9akciq32xyz.eu-west-1.rds.amazonaws.com', 'arn:aws:rds-db:eu-west-1:<account>:dbuser:prx-<proxy resource id>/app_rw'],
    ['orders.cluster-c9akciq32xyz.us-gov-west-1.rds.amazonaws.com', 'arn:aws-us-gov:rds-db:eu-west-1:<account>:dbuser:cluster-<DbClusterResourceId>/app_rw'],
  ])('names the rds-db:connect ARN a login at %s needs', (host, arn) => {
    // Act
    const error = refusedLoginError({ user: 'app_rw', target: resolveConnectionTarget({ host }), tokenAsked: true, signed: SIGNED }, accessDenied);

    // Assess
    expect(error).toBeInstanceOf(IamLoginRefusedError);
    expect(error.code).toBe('RDS_IAM_LOGIN_REFUSED');
    expect(error.cause).toBe(accessDenied);
    expect(error.message).toContain(`may not rds-db:connect on ${arn} (`);
    expect(error.message).toContain(`${host}:3306 refused the IAM token for user "app_rw" (Access denied for user 'app_rw'@'10.0.3.17' (using password: YES)).`);
    expect(error.message).toContain('(the token is dated 2026-11-30T05:41:07.000Z).');
  });

  it('takes the region from the endpoint name when no token was signed, and says <region> when nothing names one', () => {
    const named = refusedLoginError({ user: 'app_rw', target: resolveConnectionTarget({ host: 'orders.c9akciq32xyz.ap-southeast-2.rds.amazonaws.com' }), tokenAsked: true }, accessDenied);
    const unnamed = refusedLoginError({ user: 'app_rw', target: resolveConnectionTarget({ host: '127.0.0.1', port: 13306, endpoint: 'localhost:3306' }), tokenAsked: true }, accessDenied);

    expect(named.message).toContain('arn:aws:rds-db:ap-southeast-2:<account>:dbuser:db-<DbiResourceId>/app_rw');
    expect(named.message).toMatch(/5 minutes off\.$/);
    expect(unnamed.message).toContain('arn:aws:rds-db:<region>:<account>:dbuser:<cluster-… or db-… resource id>/app_rw');
    expect(unnamed.message).toMatch(/^localhost:3306 refused the IAM token/);
  });

  it('says the user is missing when the server refused it without asking for a token, and bounds the server message', () => {
    const long = Object.assign(new Error(`Access denied for user '${'x'.repeat(5_000)}'`), { errno: 1045 });

    const error = refusedLoginError({ user: 'app_rw', target: resolveConnectionTarget({ host: 'orders.c9akciq32xyz.eu-west-1.rds.amazonaws.com' }), tokenAsked: false }, long);

    expect(error.message).toMatch(/^orders\.c9akciq32xyz\.eu-west-1\.rds\.amazonaws\.com:3306 refused user "app_rw" without asking for an IAM token \(Access denied/);
    expect(error.message).toContain('the database has no user "app_rw" IDENTIFIED WITH AWSAuthenticationPlugin');
    expect(error.message).not.toContain('rds-db:connect');
    expect(error.message.length).toBeLessThan(600);
  });
});

describe('isAccessDenied', () => {
  it.each([
    ['mysql2 access denied', accessDenied, true],
    ['errno only', { errno: 1045 }, true],
    ["MariaDB's access denied before any password (1698)", { errno: 1698, code: 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR' }, true],
    ['database access denied (1044) is another error', { errno: 1044, code: 'ER_DBACCESS_DENIED_ERROR' }, false],
    ['a network error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), false],
    ['nothing', undefined, false],
  ])('%s → %s', (_name, error, expected) => {
    expect(isAccessDenied(error)).toBe(expected);
  });
});
