import { build } from 'esbuild';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { encodeUserSpecs } from '../../lib/contracts/provisioner/provisioner-properties';
import { CLUSTER_RESOURCE_ID, STACK_ID } from '../support/aws-shaped-values';
import { describeEachEngine } from '../support/emulator';
import { DeliveredResponse, grantSnapshot, logEntries, PHYSICAL_ID, ProvisionerFixture, startProvisionerFixture, user } from './provisioner-fixture';

/**
 * The provisioner Lambda's handler, driven with CloudFormation-shaped events against the emulator's real MariaDB
 * and AWSAuthenticationPlugin; results checked by logging in as each user with a real IAM token over TLS.
 */

describeEachEngine('the provisioner handler', (engine) => {
  let fixture: ProvisionerFixture;
  /** Everything the handler returned or threw, checked for the master password at the end. */
  const outputs: unknown[] = [];

  /** Sends a request; a FAILED answer is thrown as an error carrying the reason and the code at its end. */
  async function send(...args: Parameters<ProvisionerFixture['send']>): Promise<{ PhysicalResourceId: string; Data: Record<string, number> }> {
    const response = await fixture.send(...args);
    outputs.push(response);
    return succeeded(response);
  }

  function succeeded(response: DeliveredResponse): { PhysicalResourceId: string; Data: Record<string, number> } {
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(4096);
    if (response.Status === 'FAILED') {
      const reason = response.Reason ?? '';
      throw Object.assign(new Error(reason), { code: /\[([A-Z_]+)\]$/.exec(reason)?.[1] ?? '', physicalResourceId: response.PhysicalResourceId });
    }
    return { PhysicalResourceId: response.PhysicalResourceId, Data: response.Data ?? {} };
  }

  async function failure(promise: Promise<unknown>): Promise<Error & { code: string; physicalResourceId: string }> {
    try {
      await promise;
    } catch (error) {
      return error as Error & { code: string; physicalResourceId: string };
    }
    throw new Error('expected the handler to fail');
  }

  function statementsLoggedSince(mark: number): string[] {
    return logEntries(fixture.logLines.slice(mark)).filter((entry) => entry.event === 'statement').map((entry) => String(entry.sql));
  }

  beforeAll(async () => {
    fixture = await startProvisionerFixture(engine);
    for (const sql of [
      'CREATE DATABASE app', 'CREATE TABLE app.orders (id INT)', 'CREATE TABLE app.customers (id INT)',
      'CREATE DATABASE my_db', 'CREATE TABLE my_db.t (id INT)', 'CREATE DATABASE myXdb', 'CREATE TABLE myXdb.t (id INT)',
      'CREATE DATABASE reports', 'CREATE TABLE reports.daily (id INT)',
    ]) {
      await fixture.admin.query(sql);
    }
  });

  afterAll(async () => {
    await fixture?.stop();
  });

  describe('the provisioner handler on the emulator', () => {
    const appReadWrite = user('app_rw', {
      grants: [{ on: 'app.*', privileges: ['SELECT', 'INSERT'] }, { on: 'app.orders', privileges: ['UPDATE'] }],
    });
    const appReadOnly = user('app_ro', { grants: [{ on: 'app.orders', privileges: ['SELECT'] }], requireSsl: false });

    it('creates the declared users: what is granted succeeds with a token over TLS, the rest is denied', async () => {
      const mark = fixture.logLines.length;

      const response = await send('Create', [appReadWrite, appReadOnly]);

      expect(response).toEqual({
        PhysicalResourceId: PHYSICAL_ID,
        Data: { created: 2, altered: 0, granted: 3, revoked: 0, dropped: 0, retained: 0, unchanged: 0, leftAlone: 0 },
      });
      expect(await fixture.attempt('app_rw', 'SELECT * FROM app.customers')).toBe('allowed');
      expect(await fixture.attempt('app_rw', 'INSERT INTO app.orders VALUES (1)')).toBe('allowed');
      expect(await fixture.attempt('app_rw', 'UPDATE app.orders SET id = 2')).toBe('allowed');
      expect(await fixture.attempt('app_rw', 'DELETE FROM app.orders')).toBe('denied');
      expect(await fixture.attempt('app_rw', 'SELECT * FROM reports.daily')).toBe('denied');
      expect(await fixture.attempt('app_ro', 'SELECT * FROM app.orders')).toBe('allowed');
      expect(await fixture.attempt('app_ro', 'SELECT * FROM app.customers')).toBe('denied');
      expect(await grantSnapshot(fixture.admin, ['app_rw', 'app_ro'])).toEqual([
        "'app_ro'@'%' *.* USAGE",
        "'app_ro'@'%' app.orders SELECT",
        "'app_rw'@'%' *.* USAGE",
        "'app_rw'@'%' app.* INSERT",
        "'app_rw'@'%' app.* SELECT",
        "'app_rw'@'%' app.orders UPDATE",
        'app_ro plugin=AWSAuthenticationPlugin ssl=',
        'app_rw plugin=AWSAuthenticationPlugin ssl=ANY',
      ]);
      // Each engine's own syntax for the plugin clause.
      const identified = engine === 'mariadb' ? "IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS'" : "IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'";
      expect(statementsLoggedSince(mark)).toEqual([
        `CREATE USER IF NOT EXISTS 'app_rw'@'%' ${identified} REQUIRE SSL`,
        "GRANT INSERT, SELECT ON `app`.* TO 'app_rw'@'%'",
        "GRANT UPDATE ON `app`.`orders` TO 'app_rw'@'%'",
        `CREATE USER IF NOT EXISTS 'app_ro'@'%' ${identified} REQUIRE NONE`,
        "GRANT SELECT ON `app`.`orders` TO 'app_ro'@'%'",
      ]);
    });

    it('changes nothing when the same event runs again', async () => {
      const before = await grantSnapshot(fixture.admin, ['app_rw', 'app_ro']);
      const mark = fixture.logLines.length;

      const response = await send('Create', [appReadWrite, appReadOnly]);

      expect(response.Data).toEqual({ created: 0, altered: 0, granted: 0, revoked: 0, dropped: 0, retained: 0, unchanged: 2, leftAlone: 0 });
      expect(statementsLoggedSince(mark)).toEqual([]);
      expect(await grantSnapshot(fixture.admin, ['app_rw', 'app_ro'])).toEqual(before);
    });

    it('updates grants, renames, retains and drops, and a rollback restores the old users and grants exactly', async () => {
      const names = ['u_keep', 'u_old', 'u_new', 'u_retained', 'u_gone'];
      const before = [
        user('u_keep', { grants: [{ on: 'app.*', privileges: ['SELECT'] }, { on: 'app.orders', privileges: ['UPDATE'] }] }),
        user('u_old', { grants: [{ on: 'app.orders', privileges: ['SELECT'] }] }),
        user('u_retained', { grants: [{ on: 'reports.*', privileges: ['SELECT'] }], removalPolicy: 'retain' }),
        user('u_gone', { grants: [{ on: 'app.*', privileges: ['SELECT'] }] }),
      ];
      const after = [
        user('u_keep', { grants: [{ on: 'app.*', privileges: ['SELECT', 'INSERT'] }] }),
        user('u_new', { grants: [{ on: 'app.orders', privileges: ['SELECT'] }] }),
      ];
      await send('Create', before);
      const original = await grantSnapshot(fixture.admin, names);

      const update = await send('Update', after, before);

      expect(update.Data).toMatchObject({ created: 1, granted: 2, revoked: 1, dropped: 2, retained: 1 });
      expect(await fixture.attempt('u_keep', 'INSERT INTO app.orders VALUES (3)')).toBe('allowed');
      expect(await fixture.attempt('u_keep', 'UPDATE app.orders SET id = 4')).toBe('denied');
      expect(await fixture.attempt('u_new', 'SELECT * FROM app.orders')).toBe('allowed');
      expect(await fixture.canLogIn('u_old')).toBe(false);
      expect(await fixture.canLogIn('u_gone')).toBe(false);
      expect(await fixture.attempt('u_retained', 'SELECT * FROM reports.daily')).toBe('allowed');

      const rollback = await send('Update', before, after);

      expect(rollback.Data).toMatchObject({ created: 2, dropped: 1 });
      expect(await grantSnapshot(fixture.admin, names)).toEqual(original);
      expect(await fixture.attempt('u_keep', 'UPDATE app.orders SET id = 5')).toBe('allowed');
      expect(await fixture.canLogIn('u_new')).toBe(false);
      expect((await send('Update', before, after)).Data).toMatchObject({ created: 0, granted: 0, revoked: 0, dropped: 0, altered: 0 });
    });

    it('revokes on the next deploy what was added by hand: a privilege, a wildcard database grant, GRANT OPTION, a column grant, a relaxed TLS requirement', async () => {
      const drifter = user('drifter', { grants: [{ on: 'my_db.*', privileges: ['SELECT'] }, { on: 'app.orders', privileges: ['SELECT'] }] });
      await send('Create', [drifter]);
      const declared = await grantSnapshot(fixture.admin, ['drifter']);
      // The exact pattern `my\_db` covers my_db only, not a database whose name matches it as a LIKE pattern.
      expect(await fixture.attempt('drifter', 'SELECT * FROM my_db.t')).toBe('allowed');
      expect(await fixture.attempt('drifter', 'SELECT * FROM myXdb.t')).toBe('denied');
      for (const sql of [
        "GRANT DELETE ON app.* TO 'drifter'@'%'",
        "GRANT SELECT ON my_db.* TO 'drifter'@'%'",
        "GRANT SELECT ON app.orders TO 'drifter'@'%' WITH GRANT OPTION",
        "GRANT SELECT (id) ON app.customers TO 'drifter'@'%'",
        "ALTER USER 'drifter'@'%' REQUIRE NONE",
      ]) {
        await fixture.admin.query(sql);
      }
      expect(await fixture.attempt('drifter', 'SELECT * FROM myXdb.t')).toBe('allowed');
      expect(await fixture.attempt('drifter', 'SELECT id FROM app.customers')).toBe('allowed');

      const response = await send('Update', [drifter], [drifter]);

      expect(response.Data).toMatchObject({ altered: 1, revoked: 4, granted: 0 });
      expect(await fixture.attempt('drifter', 'SELECT id FROM app.customers')).toBe('denied');
      expect(await grantSnapshot(fixture.admin, ['drifter'])).toEqual(declared);
      expect(await fixture.attempt('drifter', 'SELECT * FROM myXdb.t')).toBe('denied');
      expect(await fixture.attempt('drifter', 'DELETE FROM app.orders')).toBe('denied');
    });

    it('undoes a Create that fails half-way, so its rollback Delete finds the database as it was, and a retry converges', async () => {
      const partial = user('partial', { grants: [{ on: 'app.*', privileges: ['SELECT'] }, { on: 'app.not_yet', privileges: ['SELECT'] }] });

      const error = await failure(send('Create', [partial]));

      expect(error.code).toBe('RDS_IAM_STATEMENT_FAILED');
      expect(error.message).toMatch(/statement 3 of 3 .*app.*not_yet.*table-level grant needs the table to exist/);
      expect(await fixture.canLogIn('partial')).toBe(false);
      expect(await grantSnapshot(fixture.admin, ['partial'])).toEqual([]);
      expect(error.physicalResourceId).toMatch(/^rds-iam-users:create-failed:/);
      const rollback = succeeded(await fixture.send('Delete', [partial], [], error.physicalResourceId));
      expect(rollback.Data).toMatchObject({ dropped: 0 });

      await fixture.admin.query('CREATE TABLE app.not_yet (id INT)');
      const response = await send('Create', [partial]);

      expect(response.Data).toMatchObject({ created: 1, granted: 2 });
      expect(await fixture.attempt('partial', 'SELECT * FROM app.not_yet')).toBe('allowed');
    });

    it('converges an Update after a half-finished earlier Update', async () => {
      const before = user('half_update', { grants: [{ on: 'app.*', privileges: ['SELECT'] }] });
      await send('Create', [before]);
      const after = user('half_update', { grants: [{ on: 'app.*', privileges: ['SELECT'] }, { on: 'app.later', privileges: ['SELECT'] }, { on: 'reports.*', privileges: ['SELECT'] }] });

      const error = await failure(send('Update', [after], [before]));

      expect(error.code).toBe('RDS_IAM_STATEMENT_FAILED');
      expect(error.physicalResourceId).toBe(PHYSICAL_ID);
      await fixture.admin.query('CREATE TABLE app.later (id INT)');
      // The grant on reports.* ran before the failing one and stays: the retry runs only what is missing.
      expect(await fixture.attempt('half_update', 'SELECT * FROM reports.daily')).toBe('allowed');
      expect((await send('Update', [after], [before])).Data).toMatchObject({ created: 0, granted: 1 });
      expect(await fixture.attempt('half_update', 'SELECT * FROM app.later')).toBe('allowed');
    });

    it('keeps the physical id and every user when only the way to reach the same database changes', async () => {
      const users = [user('reach_me', { grants: [{ on: 'app.*', privileges: ['SELECT'] }] })];
      await send('Create', users);
      const before = await grantSnapshot(fixture.admin, ['reach_me']);

      const answer = await fixture.sendRaw({
        RequestType: 'Update',
        PhysicalResourceId: PHYSICAL_ID,
        ResourceProperties: { ...fixture.properties(users), Endpoint: fixture.emulator.endpointHost.toUpperCase(), Port: fixture.emulator.port },
        OldResourceProperties: fixture.properties(users),
      });

      expect(succeeded(answer)).toEqual({ PhysicalResourceId: PHYSICAL_ID, Data: expect.objectContaining({ created: 0, dropped: 0, unchanged: 1 }) });
      expect(await grantSnapshot(fixture.admin, ['reach_me'])).toEqual(before);
    });

    it('moves to a genuinely different database with a new physical id, creating the users there', async () => {
      const users = [user('mover', { grants: [{ on: 'app.*', privileges: ['SELECT'] }] })];
      const otherId = 'cluster-Q3N8W2E5R7T9Y1U4I6O0P2A5SD';

      const answer = succeeded(
        await fixture.sendRaw({
          RequestType: 'Update',
          PhysicalResourceId: PHYSICAL_ID,
          ResourceProperties: { ...fixture.properties(users), DatabaseResourceId: otherId },
          OldResourceProperties: fixture.properties([]),
        }),
      );

      expect(answer).toEqual({ PhysicalResourceId: `rds-iam-users:${otherId}`, Data: expect.objectContaining({ created: 1 }) });
      expect(logEntries(fixture.logLines).some((entry) => entry.decision === 'treat-update-as-create')).toBe(true);
      expect(await fixture.canLogIn('mover')).toBe(true);
    });

    it('refuses to take over a password user made by hand, changing nothing, and converts it when the declaration opts in', async () => {
      await fixture.admin.query("CREATE USER 'legacy'@'%' IDENTIFIED BY 'legacy-Password-1'");
      await fixture.admin.query("GRANT SELECT ON reports.* TO 'legacy'@'%'");
      const before = await grantSnapshot(fixture.admin, ['legacy', 'newcomer']);
      const mark = fixture.logLines.length;

      const error = await failure(send('Create', [user('newcomer'), user('legacy', { grants: [{ on: 'app.*', privileges: ['SELECT'] }] })]));

      expect(error.code).toBe('RDS_IAM_USER_TAKEOVER_REFUSED');
      const passwordPlugin = engine === 'mariadb' ? 'mysql_native_password' : 'caching_sha2_password';
      expect(error.message).toMatch(new RegExp(`'legacy' \\(plugin ${passwordPlugin}\\).*adoptExistingUser: true`, 's'));
      expect(statementsLoggedSince(mark)).toEqual([]);
      expect(await grantSnapshot(fixture.admin, ['legacy', 'newcomer'])).toEqual(before);

      await send('Create', [user('legacy', { grants: [{ on: 'app.*', privileges: ['SELECT'] }], adoptExistingUser: true })]);

      expect(await fixture.attempt('legacy', 'SELECT * FROM app.orders')).toBe('allowed');
      expect(await fixture.attempt('legacy', 'SELECT * FROM reports.daily')).toBe('denied');
    });

    it.each([
      ['a hostile user name', [user("x'@'%' IDENTIFIED BY 'p'; DROP USER admin; -- ")], 'RDS_IAM_INVALID_USER_SPEC'],
      ['a hostile grant target', [user('fine', { grants: [{ on: "app`.* TO 'x'@'%'; --", privileges: ['SELECT'] }] })], 'RDS_IAM_INVALID_USER_SPEC'],
      ['a hostile privilege', [user('fine', { grants: [{ on: 'app.*', privileges: ['SELECT ON *.* TO x; --'] }] })], 'RDS_IAM_INVALID_USER_SPEC'],
    ])('rejects %s before reading the secret or running any SQL', async (_case, users, code) => {
      fixture.secretsManager.resetHistory();
      const mark = fixture.logLines.length;

      const error = await failure(fixture.sendRaw({ RequestType: 'Create', ResourceProperties: { ...fixture.properties([]), Users: encodeUserSpecs(users) } }).then(succeeded));

      expect(error.code).toBe(code);
      expect(fixture.secretsManager.calls()).toHaveLength(0);
      expect(statementsLoggedSince(mark)).toEqual([]);
    });

    it('on Delete drops every declared user except the retained ones, and a repeated Delete changes nothing', async () => {
      const users = [user('d_drop', { grants: [{ on: 'app.*', privileges: ['SELECT'] }] }), user('d_keep', { removalPolicy: 'retain' })];
      await send('Create', users);

      const response = await send('Delete', users);

      expect(response).toEqual({ PhysicalResourceId: PHYSICAL_ID, Data: expect.objectContaining({ dropped: 1, retained: 1 }) });
      expect(await fixture.canLogIn('d_drop')).toBe(false);
      expect(await fixture.canLogIn('d_keep')).toBe(true);
      expect((await send('Delete', users)).Data).toMatchObject({ dropped: 0, retained: 1 });
    });

    it('on Delete succeeds without change when the database is already gone, saying so', async () => {
      process.env.RDS_IAM_CONNECT_RETRY_MS = '0';
      try {
        const response = succeeded(
          await fixture.sendRaw({
            RequestType: 'Delete',
            PhysicalResourceId: PHYSICAL_ID,
            ResourceProperties: { ...fixture.properties([user('app_rw')]), Endpoint: 'gone-cluster.invalid', Port: '3306' },
          }),
        );
        outputs.push(response);

        expect(response).toEqual({ PhysicalResourceId: PHYSICAL_ID, Data: expect.objectContaining({ dropped: 0 }) });
        expect(logEntries(fixture.logLines).some((entry) => entry.decision === 'skip-delete')).toBe(true);
      } finally {
        delete process.env.RDS_IAM_CONNECT_RETRY_MS;
      }
    });

    it('works the same once bundled as the construct bundles it (esbuild, minified, AWS SDK clients left external)', async () => {
      const bundleDirectory = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'rds-iam-provisioner-bundle-test');
      await build({
        entryPoints: [path.join(__dirname, '..', '..', 'lambda', 'provisioner', 'index.ts')],
        outfile: path.join(bundleDirectory, 'index.js'),
        bundle: true, minify: true, platform: 'node', target: 'node24', format: 'cjs', external: ['@aws-sdk/client-*'], logLevel: 'error',
      });
      const bundled = require(path.join(bundleDirectory, 'index.js')) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
      const requestId = 'f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f';

      await bundled.handler(
        {
          RequestType: 'Create', RequestId: requestId, LogicalResourceId: 'DatabaseUsers', StackId: STACK_ID, ResourceType: 'Custom::RdsIamDatabaseUsers',
          ResponseURL: fixture.responses.urlFor(requestId),
          ResourceProperties: fixture.properties([user('bundled_user', { grants: [{ on: 'app.orders', privileges: ['SELECT'] }] })]),
        },
        { getRemainingTimeInMillis: () => 300_000 },
      );
      const response = fixture.responses.responseTo(requestId);
      outputs.push(response);

      expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `rds-iam-users:${CLUSTER_RESOURCE_ID}`, Data: { created: 1, granted: 1 } });
      expect(await fixture.attempt('bundled_user', 'SELECT * FROM app.orders')).toBe('allowed');
    });

    it('never lets the master password out: not in a log line, a response, or an error', async () => {
      const password = fixture.emulator.adminPassword;
      expect(fixture.logLines.length).toBeGreaterThan(20);
      expect(outputs.length).toBeGreaterThan(10);

      expect(fixture.logLines.join('\n')).not.toContain(password);
      for (const output of outputs) expect(inspect(output, { depth: 10 })).not.toContain(password);
      for (const response of fixture.responses.received) expect(response.body).not.toContain(password);
    });
  });
});
