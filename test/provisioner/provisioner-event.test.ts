import { encodeUserSpecs } from '../../lib/provisioning/provisioner-properties';
import { physicalResourceId } from '../../lambda/provisioner/physical-resource-id';
import { parseProvisionerEvent, ProvisionerEventError } from '../../lambda/provisioner/provisioner-event';

const properties = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
  MasterSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-master-AbCdEf',
  Endpoint: 'db.cluster-abc.eu-west-1.rds.amazonaws.com',
  Port: '3306',
  Engine: 'mysql',
  Users: encodeUserSpecs([]),
};
const common = { RequestId: 'r1', LogicalResourceId: 'Users', StackId: 'stack', ResourceType: 'Custom::RdsIamUsers', ResponseURL: '...' };

describe('parseProvisionerEvent', () => {
  it('parses Create, Update (with the old properties) and Delete, turning the port into a number', () => {
    expect(parseProvisionerEvent({ ...common, RequestType: 'Create', ResourceProperties: properties }).ResourceProperties.Port).toBe(3306);
    const update = parseProvisionerEvent({
      ...common, RequestType: 'Update', PhysicalResourceId: 'id', ResourceProperties: properties, OldResourceProperties: { ...properties, Port: 3307 },
    });
    expect(update.RequestType === 'Update' && update.OldResourceProperties.Port).toBe(3307);
    expect(parseProvisionerEvent({ ...common, RequestType: 'Delete', PhysicalResourceId: 'id', ResourceProperties: properties }).RequestType).toBe('Delete');
  });

  it.each([
    ['an Update without its old properties', { RequestType: 'Update', PhysicalResourceId: 'id', ResourceProperties: properties }, 'OldResourceProperties'],
    ['an unknown request type', { RequestType: 'Replace', ResourceProperties: properties }, 'RequestType'],
    ['an endpoint that is not a host name', { RequestType: 'Create', ResourceProperties: { ...properties, Endpoint: "db'; DROP USER x" } }, 'ResourceProperties.Endpoint'],
    ['a port out of range', { RequestType: 'Create', ResourceProperties: { ...properties, Port: '70000' } }, 'ResourceProperties.Port'],
    ['a secret that is not an ARN', { RequestType: 'Create', ResourceProperties: { ...properties, MasterSecretArn: 'my-secret' } }, 'MasterSecretArn'],
    ['an unknown engine', { RequestType: 'Create', ResourceProperties: { ...properties, Engine: 'postgres' } }, 'ResourceProperties.Engine'],
  ])('refuses %s, naming the field', (_case, event, field) => {
    expect(() => parseProvisionerEvent({ ...common, ...event })).toThrow(ProvisionerEventError);
    expect(() => parseProvisionerEvent({ ...common, ...event })).toThrow(field);
  });
});

describe('physicalResourceId', () => {
  it('names the database, not the user set, so changing users never replaces the resource', () => {
    expect(physicalResourceId({ Endpoint: 'DB.example.com', Port: 3306 })).toBe('rds-iam-users:db.example.com:3306');
  });
});
