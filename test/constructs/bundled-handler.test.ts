import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { newBundledHandler } from '../../lib/constructs/bundled-handler';
import { lambdaBundleDirectory } from '../../lib/constructs/lambda-bundle';
import { packageRoot } from '../../lib/emulator/package-paths';
import { TEST_APP_PROPS } from '../support/synth-stacks';
import { onlyResourceOfType } from '../support/template-queries';

describe('newBundledHandler', () => {
  it('deploys the prebuilt bundle from dist/lambda as it is, on Node.js 24, with the named export as handler', () => {
    // Prepare
    const app = new App(TEST_APP_PROPS);
    const stack = new Stack(app, 'Bundle');

    // Act
    newBundledHandler(stack, 'Handler', { lambdaName: 'existing-iam-auth-database', handler: 'onEvent', description: 'test', timeout: Duration.minutes(1) });
    const assembly = app.synth();

    // Assess
    const { properties } = onlyResourceOfType(Template.fromStack(stack), 'AWS::Lambda::Function');
    expect(properties).toMatchObject({ Handler: 'index.onEvent', Runtime: 'nodejs24.x', Architectures: ['arm64'], MemorySize: 256 });
    const assetKey = (properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
    const deployed = readFileSync(path.join(assembly.directory, `asset.${assetKey}`, 'index.js'));
    expect(deployed.equals(readFileSync(path.join(lambdaBundleDirectory(packageRoot(), 'existing-iam-auth-database'), 'index.js')))).toBe(true);
  });
});
