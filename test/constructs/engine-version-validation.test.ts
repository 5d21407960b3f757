import { App, Stack } from 'aws-cdk-lib';
import { SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { DatabaseUserProvisioner } from '../../lib/constructs/database-user-provisioner';
import { IamAuthDatabase } from '../../lib/constructs/iam-auth-database-adapters';
import { IamDatabaseUser } from '../../lib/constructs/iam-database-user';
import { SKIP_BUNDLING_CONTEXT, TEST_APP_PROPS } from '../support/synth-stacks';

/**
 * The engine version a database construct names reaches the declaration rules: a dynamic privilege that only a
 * later MySQL line has is refused at synth for a database that runs an earlier one, and accepted where it exists.
 */

function instanceOf(version: rds.MysqlEngineVersion | undefined): DatabaseUserProvisioner {
  const app = new App({ ...TEST_APP_PROPS, context: SKIP_BUNDLING_CONTEXT });
  const stack = new Stack(app, 'Versions', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: SubnetType.PRIVATE_ISOLATED }] });
  const instance = new rds.DatabaseInstance(stack, 'Database', {
    engine: version === undefined ? rds.DatabaseInstanceEngine.MYSQL : rds.DatabaseInstanceEngine.mysql({ version }),
    vpc,
    vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
    iamAuthentication: true,
  });
  return new DatabaseUserProvisioner(stack, 'Users', { database: IamAuthDatabase.fromInstance(instance) });
}

function declareFlusher(provisioner: DatabaseUserProvisioner): void {
  new IamDatabaseUser(provisioner, 'Flusher', { provisioner, username: 'flusher', grants: [{ on: '*.*', privileges: ['FLUSH_PRIVILEGES'] }] });
}

describe('the engine version of a database construct', () => {
  it('reaches the provisioner from the construct that names it', () => {
    expect(instanceOf(rds.MysqlEngineVersion.VER_8_0_40).database.engineVersion).toBe('8.0.40');
    expect(instanceOf(undefined).database.engineVersion).toBeUndefined();
  });

  it('refuses at synth a dynamic privilege the named MySQL line does not have', () => {
    expect(() => declareFlusher(instanceOf(rds.MysqlEngineVersion.VER_8_0_40))).toThrow(/"FLUSH_PRIVILEGES": is not a privilege of MySQL 8\.0, this database's version; it exists on MySQL 8\.4/);
  });

  it('accepts it on a line that has it, and when the version is not named (the provisioner checks on the server)', () => {
    expect(() => declareFlusher(instanceOf(rds.MysqlEngineVersion.VER_8_4_3))).not.toThrow();
    expect(() => declareFlusher(instanceOf(undefined))).not.toThrow();
  });
});
