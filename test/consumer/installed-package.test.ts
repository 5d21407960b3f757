import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../lib/emulator/package-paths';
import { lambdaNodeBinary } from '../../lib/rehearsal/lambda-node-runtime';
import { useEmulator } from '../support/emulator';
import { cleanAwsEnvironment } from '../cli/run-built-cli';
import { CONSUMER_APP_SOURCE, CONSUMER_CDK_CONTEXT, CONSUMER_TSCONFIG } from './consumer-app';

/**
 * The package as a platform team adopts it: `npm pack`, installed into a fresh app in a temporary folder next to the
 * OLDEST aws-cdk-lib the peer range admits and without esbuild, type-checked, synthesized with the CDK CLI, and its
 * `rds-iam` binary planning one of the app's stacks on the emulator. Needs `npm run build` first (scripts/test.sh
 * does it) and the npm registry, or npm's cache (~/.npm) from an earlier run.
 */
const root = packageRoot();
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** `^2.235.0` → `2.235.0`: the oldest release the range admits. */
const oldestAwsCdkLib = manifest.peerDependencies['aws-cdk-lib'].replace(/^\^/, '');
const oldestConstructs = manifest.peerDependencies.constructs.replace(/^\^/, '');
const cdkCli = join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk');

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = cleanAwsEnvironment()) {
  const result = spawnSync(command, [...args], { cwd, env, encoding: 'utf8', timeout: 300_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the packed library in a fresh CDK app', () => {
  const emulator = useEmulator({ engine: 'mysql' });
  let app: string;

  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'lambda', 'provisioner', 'index.js'))) throw new Error('run `npm run build` first: the package ships dist/');
    app = mkdtempSync(join(tmpdir(), 'rds-iam-consumer-'));
    const packed = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', app], root);
    if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, version: '0.0.0' }));
    const installed = run('npm', [
      'install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error',
      `./${packed.stdout.trim()}`, `aws-cdk-lib@${oldestAwsCdkLib}`, `constructs@${oldestConstructs}`,
      `typescript@${manifest.devDependencies.typescript}`, `@types/node@${manifest.devDependencies['@types/node']}`,
    ], app, process.env);
    if (installed.status !== 0) throw new Error(`npm install failed: ${installed.stderr}`);
    writeFileSync(join(app, 'app.ts'), CONSUMER_APP_SOURCE);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
    writeFileSync(join(app, 'cdk.context.json'), JSON.stringify(CONSUMER_CDK_CONTEXT));
    // What `cdk init` writes: the recommended feature flags of the installed aws-cdk-lib.
    const flags = JSON.parse(readFileSync(join(app, 'node_modules', 'aws-cdk-lib', 'recommended-feature-flags.json'), 'utf8')) as object;
    writeFileSync(join(app, 'cdk.json'), JSON.stringify({ app: 'node build/app.js', context: flags }));
  }, 300_000);
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  it('installs next to the oldest supported aws-cdk-lib, with one copy of it and no esbuild', () => {
    const installedVersion = (JSON.parse(readFileSync(join(app, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')) as { version: string }).version;

    expect(installedVersion).toBe(oldestAwsCdkLib);
    expect(existsSync(join(app, 'node_modules', 'rds-iam-mysql', 'node_modules', 'aws-cdk-lib'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'esbuild'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'rds-iam-mysql', 'lambda'))).toBe(false);
  });

  it('type-checks and synthesizes every public construct cleanly, deploying the prebuilt handlers', () => {
    // Act
    const compiled = run(join(app, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], app);
    const synthesized = run(process.execPath, [cdkCli, 'synth', '--quiet', '--no-notices', '-o', 'cdk.out'], app);

    // Assess
    expect(compiled).toMatchObject({ status: 0, stdout: '' });
    expect(synthesized.stderr).not.toMatch(/WARNING|ERROR|esbuild|docker/i);
    expect(synthesized.status).toBe(0);
    const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'Orders.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    // The library's functions (aws-cdk-lib adds its own, e.g. the one restricting the VPC's default security group).
    const functions = Object.values(template.Resources).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function' && String(resource.Properties.Description).startsWith('rds-iam-mysql'),
    );
    expect(functions.map((fn) => [fn.Properties.Runtime, fn.Properties.Handler])).toEqual([['nodejs24.x', 'index.handler']]);
    const users = Object.values(template.Resources).find((resource) => resource.Type === 'Custom::RdsIamDatabaseUsers');
    expect(users?.Properties.Users).toContain('"u":"orders_api"');
    const shipped = readFileSync(join(app, 'node_modules', 'rds-iam-mysql', 'dist', 'lambda', 'provisioner', 'index.js'));
    const assets = readdirSync(join(app, 'cdk.out')).filter((name) => name.startsWith('asset.'));
    expect(assets.some((asset) => existsSync(join(app, 'cdk.out', asset, 'index.js')) && readFileSync(join(app, 'cdk.out', asset, 'index.js')).equals(shipped))).toBe(true);
    for (const stack of ['Billing', 'Legacy']) {
      const types = Object.values((JSON.parse(readFileSync(join(app, 'cdk.out', `${stack}.template.json`), 'utf8')) as typeof template).Resources).map((r) => r.Type);
      expect(types).toContain('Custom::RdsIamDatabaseUsers');
    }
    // Billing's set travels as a file asset: the template names its object, and cdk.out holds exactly that set.
    const billing = JSON.parse(readFileSync(join(app, 'cdk.out', 'Billing.template.json'), 'utf8')) as typeof template;
    const billingUsers = Object.values(billing.Resources).find((resource) => resource.Type === 'Custom::RdsIamDatabaseUsers')!;
    const object = billingUsers.Properties.UsersObject as { Bucket: string; Key: string; Sha256: string };
    expect(billingUsers.Properties.Users).toBeUndefined();
    expect(object.Bucket).toBe('cdk-hnb659fds-assets-111111111111-eu-west-1');
    const setFile = join(app, 'cdk.out', `asset.${object.Key}`);
    expect(createHash('sha256').update(readFileSync(setFile)).digest('hex')).toBe(object.Sha256);
    expect(readFileSync(setFile, 'utf8')).toContain('"u":"invoicing"');
  });

  it('synthesizes the same templates and assets on Node.js 24, the Node users move to (the app and the CDK CLI both on it)', async () => {
    // Prepare
    const node24 = await lambdaNodeBinary();

    // Act
    const synthesized = run(node24, [cdkCli, 'synth', '--quiet', '--no-notices', '-o', 'cdk.out.node24', '--app', `${node24} build/app.js`], app);

    // Assess
    expect(synthesized.stderr).not.toMatch(/WARNING|ERROR|esbuild|docker/i);
    expect(synthesized.status).toBe(0);
    // The same stacks, resource for resource, but for CDK's own usage metadata, which names the Node.js version.
    const templates = (directory: string) => readdirSync(join(app, directory)).filter((name) => name.endsWith('.template.json')).sort();
    const withoutCdkMetadata = (directory: string, name: string) => {
      const template = JSON.parse(readFileSync(join(app, directory, name), 'utf8')) as { Resources: Record<string, { Type: string }> };
      return { ...template, Resources: Object.fromEntries(Object.entries(template.Resources).filter(([, resource]) => resource.Type !== 'AWS::CDK::Metadata')) };
    };
    expect(templates('cdk.out.node24')).toEqual(templates('cdk.out'));
    expect(templates('cdk.out')).toHaveLength(3);
    for (const name of templates('cdk.out')) expect(withoutCdkMetadata('cdk.out.node24', name)).toEqual(withoutCdkMetadata('cdk.out', name));
    // The same files published: the prebuilt handlers and the user set object (asset names are their contents' hashes).
    const publishedFiles = (directory: string) => readdirSync(join(app, directory)).filter((name) => name.startsWith('asset.')).sort();
    expect(publishedFiles('cdk.out').length).toBeGreaterThanOrEqual(2);
    expect(publishedFiles('cdk.out.node24')).toEqual(publishedFiles('cdk.out'));
  });

  it("plans a stack of the app with its installed rds-iam, on the emulator", () => {
    const planned = run(join(app, 'node_modules', '.bin', 'rds-iam'), [
      'plan', '--stack', 'Orders', '--app', 'cdk.out',
      '--hostname', emulator().endpointHost, '--port', String(emulator().port), '--ca', emulator().caFile,
      '--admin-user', emulator().adminUser, '--password-env', 'CONSUMER_MASTER_PASSWORD',
    ], app, cleanAwsEnvironment({ CONSUMER_MASTER_PASSWORD: emulator().adminPassword }));

    expect(planned.status).toBe(2);
    expect(planned.stdout).toMatch(/^CREATE USER (IF NOT EXISTS )?'orders_api'@'%' IDENTIFIED WITH AWSAuthenticationPlugin/m);
    expect(planned.stdout).toContain("GRANT SELECT ON `orders`.* TO 'orders_report'@'%';");
    expect(planned.stderr).toContain(`stack Orders at localhost:${emulator().port}: 4 statement(s)`);
  });

  it('finds a stack by the environment name the app gave it (--env), and says which names exist for another', () => {
    const rdsIam = join(app, 'node_modules', '.bin', 'rds-iam');
    const master = ['--hostname', emulator().endpointHost, '--port', String(emulator().port), '--ca', emulator().caFile, '--admin-user', emulator().adminUser, '--password-env', 'CONSUMER_MASTER_PASSWORD'];
    const environment = cleanAwsEnvironment({ CONSUMER_MASTER_PASSWORD: emulator().adminPassword });

    const planned = run(rdsIam, ['plan', '--env', 'orders-dev', ...master], app, environment);
    const refused = run(rdsIam, ['plan', '--env', 'dev', ...master], app, environment);

    expect(planned.stderr).toContain(`environment orders-dev at localhost:${emulator().port}: 4 statement(s)`);
    expect(planned.status).toBe(2);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('--env "dev": no stack of the cloud assembly cdk.out is named environment "dev" (environments: orders-dev; stacks: ');
    expect(refused.stderr).toContain('nameStackEnvironment(stack, name)');
  });
});
