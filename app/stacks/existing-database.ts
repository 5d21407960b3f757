import { SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ExistingIamAuthDatabase } from '../../lib';
import type { ExistingDatabaseConfig } from '../environments/environment-config';

/**
 * An existing database from its config: the VPC from its attributes (no lookup, so synth stays offline), the database
 * security group by id (the provisioner's ingress rule is added to it), the master secret by ARN or found at deploy.
 */
export function existingDatabase(scope: Construct, config: ExistingDatabaseConfig): ExistingIamAuthDatabase {
  const { network } = config;
  const isolated = network.subnetType === 'isolated';
  const vpc = Vpc.fromVpcAttributes(scope, 'Vpc', {
    vpcId: network.vpcId,
    availabilityZones: [...network.availabilityZones],
    ...(isolated
      ? { isolatedSubnetIds: [...network.subnetIds], isolatedSubnetRouteTableIds: network.routeTableIds && [...network.routeTableIds] }
      : { privateSubnetIds: [...network.subnetIds], privateSubnetRouteTableIds: network.routeTableIds && [...network.routeTableIds] }),
  });
  const encryptionKey = config.masterSecretKmsKeyArn === undefined ? undefined : Key.fromKeyArn(scope, 'MasterSecretKey', config.masterSecretKmsKeyArn);
  const masterSecret = config.masterSecretArn === undefined
    ? undefined
    : Secret.fromSecretAttributes(scope, 'MasterSecret', { secretCompleteArn: config.masterSecretArn, encryptionKey });
  return new ExistingIamAuthDatabase(scope, 'Database', {
    ...(config.kind === 'existing-cluster' ? { clusterIdentifier: config.identifier } : { instanceIdentifier: config.identifier }),
    engine: config.engine,
    masterSecret,
    masterSecretEncryptionKey: encryptionKey,
    masterUsername: config.masterUsername,
    vpc,
    vpcSubnets: { subnetType: isolated ? SubnetType.PRIVATE_ISOLATED : SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [SecurityGroup.fromSecurityGroupId(scope, 'DatabaseSecurityGroup', network.databaseSecurityGroupId, { mutable: true })],
    restoreIamAuthOnDelete: config.restoreIamAuthOnDelete,
  });
}
