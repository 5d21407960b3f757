/**
 * The libraries the benches compare against, installed on demand into `bench/.peers/` (gitignored) rather than into
 * this package's devDependencies: `npm ci` stays free of their engine ranges and dependencies.
 *
 * They are installed without their peer dependencies (`--legacy-peer-deps`), so `aws-cdk-lib` and `constructs` resolve
 * to this repository's copies (Node walks up from `bench/.peers/node_modules` to `node_modules`): one aws-cdk-lib in
 * the process, as in a real app. cdk-rds-sql declares Node >= 22.14; it synthesizes on Node 20 too, so its engine range
 * is not enforced (`--engine-strict=false`) and npm's warning is left out of the bench's output.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../lib/emulator/package-paths';

export interface PeerPackage {
  readonly name: string;
  readonly version: string;
}

export const CDK_RDS_SQL: PeerPackage = { name: 'cdk-rds-sql', version: '8.1.4' };

// From the package root, not __dirname: a synth app that requires a peer also runs bundled from .cache/app/bench/.
const PEERS_DIR = path.join(packageRoot(), 'bench', '.peers');

/** The installed package's folder, after installing it into `bench/.peers/` when it is missing or another version. */
export function peerPackageDir(peer: PeerPackage): string {
  const dir = path.join(PEERS_DIR, 'node_modules', peer.name);
  const manifest = path.join(dir, 'package.json');
  const installed = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version : undefined;
  if (installed !== peer.version) {
    execFileSync('npm', [
      'install', '--prefix', PEERS_DIR, '--no-save', '--no-package-lock', '--legacy-peer-deps', '--engine-strict=false',
      '--no-audit', '--no-fund', '--loglevel=error', `${peer.name}@${peer.version}`,
    ], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return dir;
}

/** `require` of the peer, installed on demand. */
export function requirePeer<T>(peer: PeerPackage): T {
  return require(peerPackageDir(peer)) as T;
}
