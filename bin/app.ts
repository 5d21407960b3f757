#!/usr/bin/env node
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { environmentStackName, getEnvironment, listEnvironments } from '../lib/environments';
import { IamDatabaseStack } from '../lib/stacks/iam-database-stack';

/**
 * The CDK app: one stack per environment declared in lib/environments/shipped-environments.ts.
 *
 *   npx cdk synth                       every environment (offline, no credentials needed)
 *   npx cdk synth -c env=dev            only RdsIamMysql-dev
 *   npx cdk deploy RdsIamMysql-dev      deploy one environment (or: npx cdk deploy -c env=dev)
 *   -c nag=false                        skip the cdk-nag AwsSolutions checks (they run by default)
 */
const app = new App();
const selected: unknown = app.node.tryGetContext('env');
const environments = typeof selected === 'string' ? [getEnvironment(selected)] : listEnvironments();
for (const environment of environments) {
  new IamDatabaseStack(app, environmentStackName(environment), { environmentConfig: environment });
}
const nag: unknown = app.node.tryGetContext('nag');
if (nag !== false && nag !== 'false') {
  Aspects.of(app).add(new AwsSolutionsChecks());
}
app.synth();
