import type { CloudFormationTemplate } from '../../lib/rehearsal/cloudformation-template';
import { IntrinsicResolver, type PseudoParameters } from '../../lib/rehearsal/intrinsic-functions';
import { RehearsalError } from '../../lib/rehearsal/rehearsal-error';

const PSEUDO: PseudoParameters = {
  partition: 'aws',
  region: 'eu-west-1',
  accountId: '111111111111',
  stackName: 'RdsIamMysql-dev',
  stackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/RdsIamMysql-dev/2636a940-0436-4bb4-b788-ad924c11d629',
  urlSuffix: 'amazonaws.com',
};

const TEMPLATE: CloudFormationTemplate & { Mappings: Record<string, Record<string, Record<string, unknown>>> } = {
  Parameters: { Stage: { Type: 'String', Default: 'dev' }, NoDefault: { Type: 'String' } },
  Conditions: { IsDev: { 'Fn::Equals': [{ Ref: 'Stage' }, 'dev'] }, NotDev: { 'Fn::Not': [{ Condition: 'IsDev' }] } },
  Mappings: { Ports: { dev: { Mysql: 3306 } } },
  Resources: { Db: { Type: 'AWS::RDS::DBCluster' } },
};

const resources = {
  ref: (logicalId: string) => `${logicalId.toLowerCase()}-physical`,
  getAtt: (logicalId: string, attribute: string) => (attribute === 'Endpoint.Port' ? '3306' : `${logicalId}.${attribute}`),
};

const resolver = new IntrinsicResolver(TEMPLATE, PSEUDO, resources);

describe('IntrinsicResolver', () => {
  it.each([
    ['Ref to a pseudo parameter', { Ref: 'AWS::Partition' }, 'aws'],
    ['Ref to a parameter default', { Ref: 'Stage' }, 'dev'],
    ['Ref to a resource', { Ref: 'Db' }, 'db-physical'],
    ['Fn::GetAtt as a list', { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] }, 'Db.Endpoint.Address'],
    ['Fn::GetAtt as a dotted string', { 'Fn::GetAtt': 'Db.DBClusterResourceId' }, 'Db.DBClusterResourceId'],
    ['Fn::Join of mixed parts', { 'Fn::Join': [':', ['arn', { Ref: 'AWS::Partition' }, 'rds-db', { Ref: 'AWS::Region' }]] }, 'arn:aws:rds-db:eu-west-1'],
    ['Fn::Sub with pseudo parameters, attributes and an escape', { 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::AccountId}:${Db.Endpoint.Port}:${!Literal}' }, 'arn:aws:x:111111111111:3306:${Literal}'],
    ['Fn::Sub with a variable map', { 'Fn::Sub': ['${Name}-${AWS::Region}', { Name: { Ref: 'Db' } }] }, 'db-physical-eu-west-1'],
    ['Fn::Select of Fn::Split', { 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] }, 'b'],
    ['Fn::If on a true condition', { 'Fn::If': ['IsDev', 'yes', 'no'] }, 'yes'],
    ['Fn::If on a negated condition', { 'Fn::If': ['NotDev', 'yes', 'no'] }, 'no'],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['Ports', { Ref: 'Stage' }, 'Mysql'] }, 3306],
    ['Fn::Base64', { 'Fn::Base64': 'rds' }, 'cmRz'],
    ['a literal', 'plain', 'plain'],
  ])('resolves %s', (_name, input, expected) => {
    expect(resolver.resolve(input)).toEqual(expected);
  });

  it('removes a property set to AWS::NoValue, in objects and lists', () => {
    expect(resolver.resolve({ Keep: 1, Drop: { Ref: 'AWS::NoValue' }, List: ['a', { 'Fn::If': ['IsDev', { Ref: 'AWS::NoValue' }, 'b'] }] })).toEqual({ Keep: 1, List: ['a'] });
  });

  it.each([
    ['an unknown intrinsic', { 'Fn::ImportValue': 'Shared-Vpc' }, /Fn::ImportValue is not modelled/],
    ['a parameter without a default', { Ref: 'NoDefault' }, /NoDefault has no default/],
    ['an index outside the list', { 'Fn::Select': [5, ['a']] }, /outside the list/],
    ['a condition that is not defined', { 'Fn::If': ['Missing', 'a', 'b'] }, /condition "Missing" is not defined/],
    ['a list where a string belongs', { 'Fn::Join': ['', [['nested']]] }, /a list where a string belongs/],
  ])('refuses %s, naming it', (_name, input, message) => {
    expect(() => resolver.resolve(input)).toThrow(RehearsalError);
    expect(() => resolver.resolve(input)).toThrow(message);
  });
});
