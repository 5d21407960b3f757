import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { environmentUserSpecs, getEnvironment } from '../../app/environments';
import { describeEachEngine } from '../support/emulator';
import { BUILT_CLI, cleanAwsEnvironment, runProgram } from './run-built-cli';
import { environmentsAssemblyDirectory } from '../support/synth-stacks';

const PROJECT_ROOT = join(__dirname, '..', '..');
const ENVIRONMENT = 'dev';

/** The environments' cloud assembly, as `npx cdk synth` writes it: `--env` names a stack of it (`--app`). */
let assembly: string;
beforeAll(() => {
  assembly = environmentsAssemblyDirectory([getEnvironment(ENVIRONMENT)]);
});
afterAll(() => rmSync(assembly, { recursive: true, force: true }));

/** Reads stdout lines until the line that says the emulator is ready, or the process exits. */
async function readUntilReady(child: ChildProcessWithoutNullStreams): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    lines.push(line);
    if (line.includes('Press Ctrl-C to stop')) return lines;
  }
  throw new Error(`rds-iam local exited before it was ready; it printed:\n${lines.join('\n')}`);
}

describeEachEngine('rds-iam local', (engine) => {
  let child: ChildProcessWithoutNullStreams | undefined;
  let stderr = '';

  afterEach(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  it("provisions the environment's users, prints login commands that work, and stops cleanly on SIGTERM", async () => {
    // Prepare
    child = spawn(process.execPath, [BUILT_CLI, 'local', '--env', ENVIRONMENT, '--app', assembly, '--engine', engine], { cwd: PROJECT_ROOT, env: cleanAwsEnvironment() });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

    // Act
    const printed = await readUntilReady(child);
    const exportLine = printed.find((line) => line.trim().startsWith('export AWS_ACCESS_KEY_ID='))!.trim();
    const connectLines = printed.filter((line) => line.trim().startsWith('npx rds-iam connect ')).map((line) => line.trim());
    const loginLines = connectLines.filter((line) => !line.includes(' --via '));
    const proxyLines = connectLines.filter((line) => line.includes(' --via '));
    const caFile = /--ca (\S+)/.exec(loginLines[0])![1];
    const login = (line: string) =>
      runProgram('bash', ['-c', `${exportLine}; ${line} --execute 'SELECT CURRENT_USER() AS who'`], { env: cleanAwsEnvironment() });
    // The first alone, as a user runs them: on a machine whose npx cache has never seen this package, `npx rds-iam`
    // installs its link there first, and several first runs at once would race on that install. Then the rest at once.
    const [first, ...others] = [...loginLines, ...proxyLines];
    const logins = [await login(first), ...(await Promise.all(others.map(login)))];
    child.kill('SIGTERM');
    const exitCode = await exited;

    // Assess
    const declared = environmentUserSpecs(getEnvironment(ENVIRONMENT)).map((user) => user.username);
    expect(printed[0]).toMatch(new RegExp(`^Environment ${ENVIRONMENT} is running locally: ${declared.length} IAM users provisioned`));
    expect(printed[1]).toMatch(new RegExp(`^  server ${engine} \\d+\\.\\d+\\.\\d+`));
    // One login per declared user (in the order of the synthesized user set), each logging in as the user it names.
    const usernameOf = (line: string): string => /--username (\S+)/.exec(line)![1];
    expect(loginLines.map(usernameOf).sort()).toEqual([...declared].sort());
    // Through the RDS Proxy the environment declares (emulated), as the users it carries.
    const proxied = getEnvironment(ENVIRONMENT).proxy?.users.map((user) => user.username) ?? [];
    expect(proxyLines.map(usernameOf).sort()).toEqual([...proxied].sort());
    proxyLines.forEach((line) => expect(line).toMatch(/--hostname \S+\.proxy-\S+\.rds\.amazonaws\.com --port 3306 --via 127\.0\.0\.1:\d+ /));
    logins.forEach((login, index) => {
      expect(login.stderr).toBe('');
      expect(login.stdout).toContain(`| ${usernameOf([...loginLines, ...proxyLines][index])}@% |`);
      expect(login.exitCode).toBe(0);
    });
    expect(exitCode).toBe(0);
    expect(stderr).toContain('stopped (SIGTERM)');
    expect(existsSync(caFile)).toBe(false);
  });
});
