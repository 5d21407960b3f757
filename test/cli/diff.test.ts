import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentStackName, listEnvironments } from '../../app/environments';
import { withPrivilegeAdded, withUserChanged } from '../support/environment-variants';
import { writeEnvironmentsAssembly } from '../support/synth-stacks';
import { runInProcess } from './in-process-cli';
import { BUILT_CLI, runBuiltCli, runProgram } from './run-built-cli';

/**
 * `rds-iam diff` on real cloud assemblies, as `npx cdk synth` writes them: the shipped environments (the base) and the
 * same with one privilege added to the dev reporting user (the head).
 */
let work: string;
let base: string;
let head: string;
const DEV = environmentStackName(listEnvironments().find((environment) => environment.name === 'dev')!);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rds-iam-diff-'));
  base = join(work, 'base', 'cdk.out');
  head = join(work, 'head', 'cdk.out');
  writeEnvironmentsAssembly(listEnvironments(), base);
  writeEnvironmentsAssembly(withUserChanged(listEnvironments(), 'dev', 'reporting_ro', withPrivilegeAdded('DELETE')), head);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('rds-iam diff', () => {
  it('prints the access changes of two cloud assemblies as markdown and exits 2', async () => {
    const run = await runInProcess(['diff', base, head]);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      `## Database access: ${base} → ${head}\n\n` +
        '1 of 3 stacks change database access; no new risk.\n\n' +
        `### \`${DEV}\`\n\n` +
        '#### Database `UserProvisionerUsers19E2A3D5` (mysql)\n\n' +
        '**Grants**\n' +
        '- `reporting_ro`: + DELETE ON `orders.*`\n',
    );
  });

  it('exits 0 and says so when access is unchanged, here for the stacks asked for', async () => {
    const same = await runInProcess(['diff', base, base]);
    const otherStacks = await runInProcess(['diff', base, head, '--stack', 'RdsIamMysql-staging', 'RdsIamMysql-prod']);

    expect(same.exitCode).toBe(0);
    expect(same.stdout).toContain('No change in database access (3 stacks compared).');
    expect(otherStacks.exitCode).toBe(0);
    expect(otherStacks.stdout).toContain('No change in database access (2 stacks compared).');
  });

  it('compares two template files whatever their names', async () => {
    const baseFile = join(work, 'main-dev.json');
    await copyFile(join(base, `${DEV}.template.json`), baseFile);

    const run = await runInProcess(['diff', baseFile, join(head, `${DEV}.template.json`)]);

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain(`### \`${DEV}\`\n`);
    expect(run.stdout).toContain('- `reporting_ro`: + DELETE ON `orders.*`\n');
  });

  it.each([
    ['a path that does not exist', () => ['diff', join(work, 'nowhere'), head], /does not exist or cannot be read\. Fix: give a cdk\.out directory or a template file \[RDS_IAM_TEMPLATE_UNREADABLE\]/],
    ['a directory that is not a cloud assembly', () => ['diff', work, head], /is not a cloud assembly: .*manifest\.json is missing or not JSON\. Fix: run `npx cdk synth`/],
    ['a stack in neither', () => ['diff', base, head, '--stack', 'RdsIamMysql-qa'], /--stack RdsIamMysql-qa: no such stack in .*; stacks there: RdsIamMysql-dev, RdsIamMysql-prod, RdsIamMysql-staging/],
    ['a file that is not JSON', () => ['diff', join(work, 'notes.txt'), head], /notes\.txt is not a JSON template/],
  ])('fails with exit code 1 on %s, naming it and the fix', async (_label, args, message) => {
    await writeFile(join(work, 'notes.txt'), 'Resources: {}\n');

    const run = await runInProcess(args());

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it('reads a nested cloud assembly (a CDK stage) as its stacks', async () => {
    // Prepare: the head assembly moved into a stage directory of an outer assembly.
    const outer = join(work, 'staged');
    await mkdir(outer, { recursive: true });
    writeEnvironmentsAssembly(withUserChanged(listEnvironments(), 'dev', 'reporting_ro', withPrivilegeAdded('DELETE')), join(outer, 'assembly-Prod'));
    await writeFile(join(outer, 'manifest.json'), JSON.stringify({
      version: '48.0.0',
      artifacts: { 'assembly-Prod': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod', displayName: 'Prod' } } },
    }));

    const run = await runInProcess(['diff', base, outer]);

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain('- `reporting_ro`: + DELETE ON `orders.*`\n');
  });

  it('runs as the built binary without loading aws-cdk-lib', async () => {
    // Act: the built CLI, in a node process that reports which modules it loaded.
    const program = join(BUILT_CLI, '..', '..', 'lib', 'cli', 'program.js');
    const script =
      `require(${JSON.stringify(program)}).runCli(['node', 'rds-iam', 'diff', ${JSON.stringify(base)}, ${JSON.stringify(head)}])` +
      ".then((code) => { process.exitCode = code; const cdk = Object.keys(require.cache).filter((p) => p.includes('/node_modules/aws-cdk-lib/'));" +
      " process.stderr.write('aws-cdk-lib modules: ' + cdk.length + '\\n'); });";
    const inProcess = await runProgram(process.execPath, ['-e', script]);
    const binary = await runBuiltCli(['diff', base, head]);

    // Assess
    expect(inProcess.exitCode).toBe(2);
    expect(inProcess.stderr).toBe('aws-cdk-lib modules: 0\n');
    expect(binary.exitCode).toBe(2);
    expect(binary.stdout).toContain('- `reporting_ro`: + DELETE ON `orders.*`\n');
  });
});
