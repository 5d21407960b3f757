#!/usr/bin/env node
/**
 * app/app.ts at scale: the dev environment's stack, built by the same IamDatabaseStack, with the users replaced by
 * `-c scaleUsers=<n>` users of the longest names and three grants each (test/support/long-named-users.ts) and no
 * RDS Proxy (its users are the shipped ones). The stack keeps dev's name, account, region and database.
 */
import { App } from 'aws-cdk-lib';
import { environmentStackName, getEnvironment } from '../../app/environments';
import { IamDatabaseStack } from '../../app/stacks/iam-database-stack';
import { longNamedUsers } from './long-named-users';

const app = new App();
const count = Number(app.node.tryGetContext('scaleUsers'));
if (!Number.isInteger(count) || count <= 0) throw new Error('give the number of users: -c scaleUsers=<n>');
const dev = getEnvironment('dev');
const environment = { ...dev, proxy: undefined, users: longNamedUsers(count) };
new IamDatabaseStack(app, environmentStackName(environment), { environmentConfig: environment });
app.synth();
