import { DBInstanceNotFoundFault, DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { describeIamDatabase } from '../../lib/client/rds-database-lookup';

const rds = mockClient(RDSClient);
const client = new RDSClient({ region: 'eu-west-1' });

beforeEach(() => rds.reset());

const CLUSTER = {
  DBClusterIdentifier: 'orders',
  Endpoint: 'orders.cluster-abc.eu-west-1.rds.amazonaws.com',
  ReaderEndpoint: 'orders.cluster-ro-abc.eu-west-1.rds.amazonaws.com',
  Port: 3306,
  Engine: 'aurora-mysql',
  IAMDatabaseAuthenticationEnabled: true,
  MasterUsername: 'admin',
  MasterUserSecret: { SecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!cluster-abc' },
};

describe('describeIamDatabase', () => {
  it("returns a cluster's writer or reader endpoint, port, engine and master secret", async () => {
    rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders' }).resolves({ DBClusters: [CLUSTER] });

    const writer = await describeIamDatabase({ cluster: 'orders' }, client);
    const reader = await describeIamDatabase({ cluster: 'orders', reader: true }, client);

    expect(writer).toEqual({
      kind: 'cluster', identifier: 'orders', endpoint: CLUSTER.Endpoint, port: 3306, engine: 'aurora-mysql',
      masterUsername: 'admin', masterUserSecretArn: CLUSTER.MasterUserSecret.SecretArn,
    });
    expect(reader.endpoint).toBe(CLUSTER.ReaderEndpoint);
  });

  it('pages through DescribeDBClusters to find the cluster of a stack', async () => {
    rds.on(DescribeDBClustersCommand, { Marker: undefined }).resolves({ DBClusters: [{ ...CLUSTER, DBClusterIdentifier: 'other', TagList: [] }], Marker: 'page-2' });
    rds.on(DescribeDBClustersCommand, { Marker: 'page-2' }).resolves({
      DBClusters: [{ ...CLUSTER, TagList: [{ Key: 'aws:cloudformation:stack-name', Value: 'RdsIamMysql-dev' }] }],
    });

    const found = await describeIamDatabase({ stack: { name: 'RdsIamMysql-dev', kind: 'cluster' } }, client);

    expect(found.identifier).toBe('orders');
    expect(rds.commandCalls(DescribeDBClustersCommand)).toHaveLength(2);
  });

  it('says an instance does not exist, with the cause chained', async () => {
    const fault = new DBInstanceNotFoundFault({ message: 'DBInstance shop not found.', $metadata: {} });
    rds.on(DescribeDBInstancesCommand).rejects(fault);

    const attempt = describeIamDatabase({ instance: 'shop' }, client);

    await expect(attempt).rejects.toMatchObject({ code: 'RDS_IAM_DATABASE_NOT_FOUND', cause: fault });
  });

  it('refuses an instance with IAM authentication off, giving the command that turns it on', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ DBInstanceIdentifier: 'shop', Endpoint: { Address: 'shop.abc.eu-west-1.rds.amazonaws.com', Port: 3306 }, IAMDatabaseAuthenticationEnabled: false }],
    });

    await expect(describeIamDatabase({ instance: 'shop' }, client)).rejects.toMatchObject({
      code: 'RDS_IAM_AUTH_DISABLED',
      message: expect.stringContaining('aws rds modify-db-instance --db-instance-identifier shop --enable-iam-database-authentication'),
    });
  });

  it('asks for exactly one database', async () => {
    await expect(describeIamDatabase({ cluster: 'a', instance: 'b' }, client)).rejects.toThrow('name exactly one database');
  });
});
