#!/usr/bin/env node
import { App, Aspects } from 'aws-cdk-lib';
import { environmentStackName, getEnvironment, listEnvironments } from './environments';
import { IamDatabaseStack } from './stacks/iam-database-stack';

/**
 * The CDK app: one stack per environment declared in app/environments/shipped-environments.ts.
 *
 *   npx cdk synth                        every environment (offline, no AWS credentials needed)
 *   npx cdk synth -c env=dev             only RdsIamMysql-dev (a comma-separated list picks several)
 *   npx cdk deploy RdsIamMysql-dev       deploy one environment (or: npx cdk deploy -c env=dev --all)
 *   -c nag=true                          also run the cdk-nag AwsSolutions checks (the test suite always runs them)
 */
const app = new App();
const selected: unknown = app.node.tryGetContext('env');
const environments = typeof selected === 'string'
  ? selected.split(',').map((name) => getEnvironment(name.trim()))
  : listEnvironments();
for (const environment of environments) {
  new IamDatabaseStack(app, environmentStackName(environment), { environmentConfig: environment });
}
const nag: unknown = app.node.tryGetContext('nag');
if (nag === true || nag === 'true') {
  // Loaded only when asked for: the checks cost about half a second per synth.
  const { AwsSolutionsChecks } = require('cdk-nag') as typeof import('cdk-nag');
  Aspects.of(app).add(new AwsSolutionsChecks());
}
app.synth();
