import { Template } from 'aws-cdk-lib/assertions';
import { IamDatabaseUser } from '../../lib/constructs/iam-database-user';
import {
  chooseUserSetDelivery,
  defaultMemorySizeMb,
  defaultTimeoutSeconds,
  LAMBDA_ASYNC_PAYLOAD_BYTES,
  projectedFirstRunMs,
  provisionerCapacityProblems,
} from '../../lib/constructs/provisioner-capacity';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stage } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { decodeUserSpecs, encodeUserSpecs, PROVISIONER_RESOURCE_TYPE, ProvisionerProperty } from '../../lib/contracts/provisioner/provisioner-properties';
import { userSetDigest, userSetObjectKey } from '../../lib/contracts/provisioner/user-set-object';
import { iamResourceMatches } from '../../lib/rehearsal/role-policy-grants';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { databaseFixture, type FixtureOptions } from '../support/database-fixtures';
import { longNamedUsers } from '../support/long-named-users';
import { userSpec } from '../support/user-specs';

describe('provisionerCapacityProblems', () => {
  it('lets 1,000 users with the longest names and three grants each deploy within every limit', () => {
    const users = longNamedUsers(1000);
    expect(provisionerCapacityProblems(users, encodeUserSpecs(users), 300)).toEqual([]);
  });

  it('stops 10,000 such users kept in the properties, naming each limit they would break and the way out', () => {
    const users = longNamedUsers(10_000);
    const encoded = encodeUserSpecs(users);
    expect(2 * encoded.length).toBeGreaterThan(LAMBDA_ASYNC_PAYLOAD_BYTES);

    const problems = provisionerCapacityProblems(users, encoded, 300, 'properties');

    expect(problems.map((problem) => problem.limit)).toEqual(['Lambda asynchronous payload (1 MB)', 'CloudFormation template (1 MB)', 'Lambda timeout']);
    expect(problems[0].message).toMatch(/10000 users encode to \d+ KiB.*let the set travel in an S3 object/);
    expect(problems[2].message).toMatch(/about 40000 statements.*raise DatabaseUserProvisioner's timeout/);
  });

  it('lets 10,000 such users deploy from an S3 object within the timeout it sizes from the set', () => {
    const users = longNamedUsers(10_000);
    const timeout = defaultTimeoutSeconds(users);

    expect(provisionerCapacityProblems(users, encodeUserSpecs(users), timeout, 'object')).toEqual([]);
    // 40,000 statements at 10 ms plus 90 s to connect, with half again as much room, in whole minutes.
    expect(timeout).toBe(780);
    expect(projectedFirstRunMs(users)).toBe(490_000);
  });

  it('keeps the 5-minute default for small sets and stops where even 15 minutes cannot hold the first run', () => {
    expect(defaultTimeoutSeconds(longNamedUsers(10))).toBe(300);
    const users = Array.from({ length: 30_000 }, (_, index): DatabaseUserSpec => userSpec(`t${index}`, { grants: [{ on: 'app.*', privileges: ['SELECT'] }, { on: 'log.*', privileges: ['INSERT'] }] }));
    expect(defaultTimeoutSeconds(users)).toBe(900);
    const problems = provisionerCapacityProblems(users, encodeUserSpecs(users), 900, 'object');
    expect(problems.map((problem) => problem.limit)).toEqual(['Lambda timeout']);
    expect(problems[0].message).toMatch(/about 90000 statements.*split the users across databases/);
    expect(problems[0].message).not.toMatch(/raise/);
  });

  it('gives the provisioner more memory than 256 MB only for sets whose Update would not fit in it', () => {
    // Measured by the rehearsal (bench/rehearse-scale.ts): 10,000 such users peaked at 267 MiB in an Update.
    expect(defaultMemorySizeMb(encodeUserSpecs(longNamedUsers(1000)))).toBe(256);
    expect(defaultMemorySizeMb(encodeUserSpecs(longNamedUsers(10_000)))).toBe(512);
  });

  it('chooses the properties for a small set and an S3 object above 256 KiB, unless told', () => {
    const small = encodeUserSpecs(longNamedUsers(100));
    const large = encodeUserSpecs(longNamedUsers(1000));
    expect(chooseUserSetDelivery(small, undefined)).toBe('properties');
    expect(chooseUserSetDelivery(large, undefined)).toBe('object');
    expect(chooseUserSetDelivery(large, 'properties')).toBe('properties');
    expect(chooseUserSetDelivery(small, 'object')).toBe('object');
  });

  it('asks for a longer timeout, not a smaller set, when only the projected run is too long', () => {
    const users = Array.from({ length: 6000 }, (_, index): DatabaseUserSpec => userSpec(`t${index}`, { grants: [{ on: 'app.*', privileges: ['SELECT'] }] }));
    const problems = provisionerCapacityProblems(users, encodeUserSpecs(users), 60);
    expect(problems.map((problem) => problem.limit)).toEqual(['Lambda timeout']);
    expect(provisionerCapacityProblems(users, encodeUserSpecs(users), 900)).toEqual([]);
  });
});

describe('DatabaseUserProvisioner capacity at synth', () => {
  function declare(count: number, provisionerProps: FixtureOptions['provisioner'] = {}) {
    const fixture = databaseFixture({ provisioner: provisionerProps });
    for (const [index, spec] of longNamedUsers(count).entries()) {
      new IamDatabaseUser(fixture.stack, `User${index}`, { provisioner: fixture.provisioner, username: spec.username, grants: spec.grants });
    }
    return fixture;
  }

  it('refuses to synthesize a set kept in the properties that an Update event could not carry', () => {
    const { stack } = declare(2500, { userSetDelivery: 'properties' });

    expect(() => Template.fromStack(stack)).toThrow(/Lambda asynchronous payload \(1 MB\): the 2500 users encode to.*S3 object/);
  });

  it('puts 10,000 users with the longest names into one S3 object the Lambda alone may read, and sizes its timeout', () => {
    const { stack, provisioner } = declare(10_000);
    const template = Template.fromStack(stack);

    const [resource] = Object.values(template.findResources(PROVISIONER_RESOURCE_TYPE));
    const properties = resource.Properties as Record<string, unknown>;
    expect(properties).not.toHaveProperty(ProvisionerProperty.Users);
    const asset = provisioner.userSetAsset!;
    const encoded = readFileSync(join(Stage.of(stack)!.outdir, asset.assetPath), 'utf8');
    expect(decodeUserSpecs(encoded)).toHaveLength(10_000);
    expect(properties[ProvisionerProperty.UsersObject]).toEqual({
      Bucket: 'cdk-hnb659fds-assets-123456789012-us-east-1',
      Key: userSetObjectKey(asset.assetHash),
      Sha256: userSetDigest(encoded),
    });
    // The template stays small: the users are not in it.
    expect(JSON.stringify(template.toJSON()).length).toBeLessThan(100_000);
    expect(properties.ServiceTimeout).toBe(3 * 780 + 180);
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('converges the IAM database users'), Timeout: 780, MemorySize: 512 });
    // The objects named like file assets (this set's and, for an Update and its rollback, the previous one's), no other key.
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 's3:GetObject', Effect: 'Allow', Resource: `arn:aws:s3:::cdk-hnb659fds-assets-123456789012-us-east-1/${'?'.repeat(64)}.rds-iam-user-set` },
        ]),
      },
    });
    // User set objects only: not the stack templates (`<hash>.json`) nor the Lambda code (`<hash>.zip`) CDK uploads beside them.
    const granted = `arn:aws:s3:::cdk-hnb659fds-assets-123456789012-us-east-1/${'?'.repeat(64)}.rds-iam-user-set`;
    const inBucket = (key: string): string => `arn:aws:s3:::cdk-hnb659fds-assets-123456789012-us-east-1/${key}`;
    expect(iamResourceMatches(granted, inBucket(`${asset.assetHash}.rds-iam-user-set`))).toBe(true);
    expect(iamResourceMatches(granted, inBucket(`${asset.assetHash}.json`))).toBe(false);
    expect(iamResourceMatches(granted, inBucket(`${asset.assetHash}.zip`))).toBe(false);
    expect(iamResourceMatches(granted, inBucket(`x/${asset.assetHash}.rds-iam-user-set`))).toBe(false);
    // The fixture's subnets are isolated: S3 is reached through a gateway endpoint on their route tables.
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: Match.anyValue() }, 1);
  });

  it('makes no gateway endpoint when told the VPC has one, nor for subnets with a NAT gateway', () => {
    const told = Template.fromStack(declare(1000, { createS3Endpoint: false }).stack);
    told.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' }, 0);
    const withNat = databaseFixture({ subnets: 'private' });
    for (const [index, spec] of longNamedUsers(1000).entries()) {
      new IamDatabaseUser(withNat.stack, `User${index}`, { provisioner: withNat.provisioner, username: spec.username, grants: spec.grants });
    }
    const natTemplate = Template.fromStack(withNat.stack);
    natTemplate.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' }, 0);
    expect(Object.values(natTemplate.findResources(PROVISIONER_RESOURCE_TYPE))[0].Properties).toHaveProperty(ProvisionerProperty.UsersObject);
  });

  it('keeps a small set in the properties, with no S3 permission, endpoint or asset', () => {
    const { stack, provisioner } = declare(10);
    const template = Template.fromStack(stack);
    expect(provisioner.userSetAsset).toBeUndefined();
    expect(Object.values(template.findResources(PROVISIONER_RESOURCE_TYPE))[0].Properties).toHaveProperty(ProvisionerProperty.Users);
    expect(JSON.stringify(template.toJSON())).not.toContain('s3:GetObject');
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' }, 0);
  });
});
