import * as path from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { builtLambdaBundle } from '../../lib/constructs/lambda-bundle';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { emulatorCredentialsEnvironment, setEnvironment } from '../cli/in-process-cli';
import { STACK_ID } from '../support/aws-shaped-values';
import { createIamUser, describeEachEngine } from '../support/emulator';
import { DeliveredResponse, grantSnapshot, logEntries, PHYSICAL_ID, ProvisionerFixture, startProvisionerFixture, user } from './provisioner-fixture';

/**
 * The provisioner handler logging in as an IAM admin user (`AdminIamUsername`) instead of the master: the token is
 * signed by @aws-sdk/rds-signer with the Lambda's own credentials from its environment (here the emulator's test
 * key), verified by the emulator's AWSAuthenticationPlugin, and no secret is ever read.
 */

/** The admin a platform team makes once, as master (not `rds_…`: RDS keeps that prefix for its own accounts). */
const ADMIN = 'users_admin';

describeEachEngine('the provisioner handler as an IAM admin user', (engine) => {
  let fixture: ProvisionerFixture;
  let restoreEnvironment: () => void;

  beforeAll(async () => {
    fixture = await startProvisionerFixture(engine);
    for (const sql of ['CREATE DATABASE app', 'CREATE TABLE app.orders (id INT)', 'CREATE DATABASE reports', 'CREATE TABLE reports.daily (id INT)']) {
      await fixture.admin.query(sql);
    }
    // As the README says to make it: may create users, read the grant tables, and grant on app.* only.
    await createIamUser(fixture.admin, ADMIN);
    await fixture.admin.query("GRANT CREATE USER ON *.* TO ?@'%'", [ADMIN]);
    await fixture.admin.query("GRANT SELECT ON mysql.* TO ?@'%'", [ADMIN]);
    await fixture.admin.query("GRANT SELECT, INSERT, UPDATE ON app.* TO ?@'%' WITH GRANT OPTION", [ADMIN]);
    // The Lambda's role credentials, as the runtime puts them in its environment, and its region.
    // A refused token fails at once here; the test that waits for a grant to apply sets its own window.
    restoreEnvironment = setEnvironment({
      ...emulatorCredentialsEnvironment(fixture.emulator),
      AWS_REGION: fixture.emulator.region,
      RDS_IAM_CONNECT_RETRY_MS: '0',
      RDS_IAM_REFUSED_TOKEN_RETRY_MS: '0',
    });
  });

  afterAll(async () => {
    restoreEnvironment?.();
    await fixture?.stop();
  });

  /** The properties the construct writes with `adminUser`: the admin's name, and no master secret. */
  function adminProperties(users: readonly DatabaseUserSpec[], admin = ADMIN): Record<string, string> {
    const { MasterSecretArn: _secret, ...rest } = fixture.properties(users);
    return { ...rest, AdminIamUsername: admin };
  }

  function send(requestType: 'Create' | 'Update' | 'Delete', users: readonly DatabaseUserSpec[], options: { old?: readonly DatabaseUserSpec[]; physicalId?: string; admin?: string } = {}): Promise<DeliveredResponse> {
    return fixture.sendRaw({
      RequestType: requestType,
      ResourceProperties: adminProperties(users, options.admin),
      ...(requestType === 'Create' ? {} : { PhysicalResourceId: options.physicalId ?? PHYSICAL_ID }),
      ...(requestType === 'Update' ? { OldResourceProperties: adminProperties(options.old ?? []) } : {}),
    });
  }

  /** Everything the handler printed or answered: no token (a pre-signed query string) and no master password. */
  function expectNothingSecretWasSaid(): void {
    const said = [...fixture.logLines, ...fixture.responses.received].join('\n');
    expect(said).not.toContain('X-Amz-Signature');
    expect(said).not.toContain('Action=connect');
    expect(said).not.toContain(fixture.emulator.adminPassword);
  }

  it('creates, updates and deletes the declared users logged in with a token, without reading any secret', async () => {
    // Prepare
    const orders = user('orders_api', { grants: [{ on: 'app.*', privileges: ['SELECT', 'INSERT'] }] });
    const auditor = user('orders_audit', { grants: [{ on: 'app.orders', privileges: ['SELECT'] }] });
    const ordersLater = user('orders_api', { grants: [{ on: 'app.*', privileges: ['SELECT', 'UPDATE'] }] });

    // Act
    const created = await send('Create', [orders, auditor]);
    const afterCreate = { insert: await fixture.attempt('orders_api', 'INSERT INTO app.orders VALUES (1)'), audit: await fixture.attempt('orders_audit', 'SELECT * FROM app.orders') };
    const updated = await send('Update', [ordersLater], { old: [orders, auditor] });
    const afterUpdate = {
      update: await fixture.attempt('orders_api', 'UPDATE app.orders SET id = 2'),
      insert: await fixture.attempt('orders_api', 'INSERT INTO app.orders VALUES (3)'),
      auditor: await fixture.canLogIn('orders_audit'),
    };
    const deleted = await send('Delete', [ordersLater]);

    // Assess
    expect(created).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: expect.objectContaining({ created: 2, granted: 2 }) });
    expect(afterCreate).toEqual({ insert: 'allowed', audit: 'allowed' });
    expect(updated).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: expect.objectContaining({ granted: 1, revoked: 1, dropped: 1 }) });
    expect(afterUpdate).toEqual({ update: 'allowed', insert: 'denied', auditor: false });
    expect(deleted).toMatchObject({ Status: 'SUCCESS', Data: expect.objectContaining({ dropped: 1 }) });
    expect(await grantSnapshot(fixture.admin, ['orders_api', 'orders_audit'])).toEqual([]);
    expect(fixture.secretsManager.calls()).toHaveLength(0);
    const requests = logEntries(fixture.logLines).filter((entry) => entry.event === 'request');
    expect(requests.map((entry) => [entry.login, entry.adminUser])).toEqual([['iam-admin', ADMIN], ['iam-admin', ADMIN], ['iam-admin', ADMIN]]);
    // The admin itself is untouched: the planner never changes the account it runs as.
    const [[account]] = await fixture.admin.query<RowDataPacket[]>('SELECT plugin FROM mysql.user WHERE User = ?', [ADMIN]);
    expect(account.plugin).toBe('AWSAuthenticationPlugin');
    expectNothingSecretWasSaid();
  });

  it.each([
    ['an admin the database does not know', 'no_such_admin'],
    ['an admin that logs in with a password, not the plugin', 'password_admin'],
  ])('fails with %s, naming the rds-db:connect grant and the plugin, and changes nothing', async (_case, admin) => {
    // Prepare
    await fixture.admin.query("CREATE USER IF NOT EXISTS 'password_admin'@'%' IDENTIFIED BY 'Pw-1x9Zq-not-an-iam-user'");
    const refused = user('refused_user', { grants: [{ on: 'app.*', privileges: ['SELECT'] }] });

    // Act
    const response = await send('Create', [refused], { admin });

    // Assess
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(
      `the server refused the IAM token for ${admin}: the identity that signed it needs rds-db:connect on dbuser:<cluster-… or db-… resource id>/${admin}, ` +
        'and the user must be IDENTIFIED WITH AWSAuthenticationPlugin',
    );
    expect(response.Reason).toMatch(/\[RDS_IAM_MASTER_CONNECTION_FAILED\]$/);
    expect(response.PhysicalResourceId).toMatch(/^rds-iam-users:create-failed:/);
    expect(await fixture.canLogIn('refused_user')).toBe(false);
    expectNothingSecretWasSaid();
  });

  it('retries a refused token while a grant made in the same deploy applies, then converges', async () => {
    // Prepare: the admin the event names does not exist yet; it appears 1.5 s into the event, as a new grant would apply.
    const late = 'late_admin';
    const restore = setEnvironment({ RDS_IAM_REFUSED_TOKEN_RETRY_MS: '20000' });
    const waiting = user('waiting_user', { grants: [{ on: 'app.*', privileges: ['SELECT'] }] });
    const appears = new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        createIamUser(fixture.admin, late)
          .then(() => fixture.admin.query("GRANT CREATE USER ON *.* TO ?@'%'", [late]))
          .then(() => fixture.admin.query("GRANT SELECT ON mysql.* TO ?@'%'", [late]))
          .then(() => fixture.admin.query("GRANT SELECT ON app.* TO ?@'%' WITH GRANT OPTION", [late]))
          .then(() => resolve(), reject);
      }, 1_500);
    });

    // Act
    let response: DeliveredResponse;
    try {
      response = await send('Create', [waiting], { admin: late });
    } finally {
      restore();
    }
    await appears;

    // Assess
    expect(response.Status).toBe('SUCCESS');
    expect(await fixture.attempt('waiting_user', 'SELECT * FROM app.orders')).toBe('allowed');
    expect(await send('Delete', [waiting], { admin: late })).toMatchObject({ Status: 'SUCCESS' });
    expectNothingSecretWasSaid();
  });

  it('fails when the role signs with credentials the database does not accept (another secret key), saying what the token needs', async () => {
    // Prepare
    const restore = setEnvironment({ AWS_SECRET_ACCESS_KEY: `${fixture.emulator.secretAccessKey.slice(0, -4)}XXXX` });
    const refused = user('refused_user', { grants: [{ on: 'app.*', privileges: ['SELECT'] }] });

    // Act
    let response: DeliveredResponse;
    try {
      response = await send('Create', [refused]);
    } finally {
      restore();
    }

    // Assess
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`the server refused the IAM token for ${ADMIN}: the identity that signed it needs rds-db:connect`);
    expect(await fixture.canLogIn('refused_user')).toBe(false);
    expectNothingSecretWasSaid();
  });

  it('fails a grant the admin may not pass on, with the statement and the server error, and undoes the Create', async () => {
    // Prepare: the admin holds nothing on reports.*
    const reporter = user('reporter', { grants: [{ on: 'reports.*', privileges: ['SELECT'] }] });

    // Act
    const response = await send('Create', [reporter]);

    // Assess
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/statement 2 of 2 .*reports/);
    expect(response.Reason).toMatch(/\[RDS_IAM_STATEMENT_FAILED\]$/);
    expect(response.PhysicalResourceId).toMatch(/^rds-iam-users:create-failed:/);
    expect(await fixture.canLogIn('reporter')).toBe(false);
  });

  it('refuses a declared user named like the admin before connecting', async () => {
    // Prepare
    const mark = fixture.logLines.length;
    const impostor = user(ADMIN.toUpperCase(), { grants: [{ on: 'app.*', privileges: ['SELECT'] }] });

    // Act
    const response = await send('Create', [impostor]);

    // Assess
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('is the IAM admin user the provisioner logs in as, which it never creates, changes or drops; choose another name');
    expect(logEntries(fixture.logLines.slice(mark)).some((entry) => entry.event === 'request')).toBe(false);
  });

  it('works the same from the prebuilt bundle the construct deploys, which carries its own token signer', async () => {
    // Prepare: dist/lambda/provisioner as `npm run build` wrote it (rebuilt first when its sources changed).
    const bundled = require(path.join(builtLambdaBundle('provisioner'), 'index.js')) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
    const requestId = '0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9';
    const fromBundle = user('bundled_user', { grants: [{ on: 'app.orders', privileges: ['SELECT'] }] });

    // Act
    await bundled.handler(
      {
        RequestType: 'Create', RequestId: requestId, LogicalResourceId: 'DatabaseUsers', StackId: STACK_ID, ResourceType: 'Custom::RdsIamDatabaseUsers',
        ResponseURL: fixture.responses.urlFor(requestId),
        ResourceProperties: adminProperties([fromBundle]),
      },
      { getRemainingTimeInMillis: () => 300_000 },
    );

    // Assess
    expect(fixture.responses.responseTo(requestId)).toMatchObject({ Status: 'SUCCESS', Data: { created: 1, granted: 1 } });
    expect(await fixture.attempt('bundled_user', 'SELECT * FROM app.orders')).toBe('allowed');
    expectNothingSecretWasSaid();
  });

  it('skips a Delete whose database no longer resolves', async () => {
    // Prepare
    const gone = user('gone_user', { grants: [{ on: 'app.*', privileges: ['SELECT'] }] });
    const properties = { ...adminProperties([gone]), Endpoint: 'gone-cluster.invalid' };

    // Act
    const response = await fixture.sendRaw({ RequestType: 'Delete', PhysicalResourceId: PHYSICAL_ID, ResourceProperties: properties });

    // Assess
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: expect.objectContaining({ dropped: 0 }) });
    expect(logEntries(fixture.logLines).some((entry) => entry.decision === 'skip-delete' && String(entry.reason).includes('no longer resolves'))).toBe(true);
  });
});
