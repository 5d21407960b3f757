import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, AssetStaging, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { lambdaEntry, lambdaSourceFingerprint, newBundledHandler } from '../../lib/constructs/bundled-handler';
import { TEST_APP_PROPS } from '../support/synth-stacks';
import { onlyResourceOfType } from '../support/template-queries';

describe('lambdaSourceFingerprint', () => {
  const entry = lambdaEntry('existing-iam-auth-database');

  it('is the same for the same sources and options, so a warm cdk.out is reused', () => {
    expect(lambdaSourceFingerprint(entry, { minify: true })).toBe(lambdaSourceFingerprint(entry, { minify: true }));
  });

  it('changes with the bundling options', () => {
    expect(lambdaSourceFingerprint(entry, { minify: true })).not.toBe(lambdaSourceFingerprint(entry, { minify: false }));
  });
});

describe('newBundledHandler', () => {
  let outdir: string;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'rds-iam-bundle-'));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  function synthesizeInto(directory: string): { assetFile: string } {
    const app = new App({ ...TEST_APP_PROPS, outdir: directory });
    const stack = new Stack(app, 'Bundle');
    newBundledHandler(stack, 'Handler', { lambdaName: 'existing-iam-auth-database', handler: 'onEvent', description: 'test', timeout: Duration.minutes(1) });
    const assembly = app.synth();
    const { properties } = onlyResourceOfType(Template.fromStack(stack), 'AWS::Lambda::Function');
    const assetKey = (properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
    return { assetFile: path.join(assembly.directory, `asset.${assetKey}`, 'index.js') };
  }

  it('bundles once per set of inputs: a second synth into the same cdk.out does not run esbuild again', () => {
    // Prepare: a first synth bundles.
    const first = synthesizeInto(outdir);
    const bundledAt = statSync(first.assetFile).mtimeMs;

    // Act: a new process would start with an empty in-memory asset cache.
    AssetStaging.clearAssetHashCache();
    const second = synthesizeInto(outdir);

    // Assess
    expect(second.assetFile).toBe(first.assetFile);
    expect(statSync(second.assetFile).mtimeMs).toBe(bundledAt);
  });
});
