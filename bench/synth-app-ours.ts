#!/usr/bin/env node
/**
 * app/app.ts for the synth bench's scale row: the same stacks from bench/synth-bench-environments.ts, so
 * `RDS_IAM_BENCH_USERS=<n>` can grow the user set. cdk-nag runs only with `-c nag=true`, as in app/app.ts.
 */
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { environmentStackName, listEnvironments } from '../app/environments';
import { IamDatabaseStack } from '../app/stacks/iam-database-stack';
import { benchEnvironments } from './synth-bench-environments';

const app = new App();
for (const environment of benchEnvironments(listEnvironments())) {
  new IamDatabaseStack(app, environmentStackName(environment), { environmentConfig: environment });
}
const nag: unknown = app.node.tryGetContext('nag');
if (nag === true || nag === 'true') Aspects.of(app).add(new AwsSolutionsChecks());
app.synth();
