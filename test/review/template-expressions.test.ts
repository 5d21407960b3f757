import { coversConnect } from '../../lib/review/connect-grants';
import { isIamPattern, matchesIamPattern, parseDbUserResource } from '../../lib/review/db-user-resource';
import { referencedLogicalIds } from '../../lib/rehearsal/cloudformation-template';
import { expressionKey, renderExpression } from '../../lib/review/intrinsic-expression';

const CLUSTER_ID = { 'Fn::GetAtt': ['DatabaseB269D8BB', 'DBClusterResourceId'] };
const PARTITION = { Ref: 'AWS::Partition' };

describe('intrinsic expressions, as a reviewer reads them', () => {
  it.each([
    ['a literal', 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0', 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0'],
    ['Ref', { Ref: 'ConnectRoleOrdersApiE94B4D6E' }, 'Ref ConnectRoleOrdersApiE94B4D6E'],
    ['GetAtt, array form', CLUSTER_ID, 'GetAtt DatabaseB269D8BB.DBClusterResourceId'],
    ['GetAtt, string form', { 'Fn::GetAtt': 'DatabaseB269D8BB.Endpoint.Address' }, 'GetAtt DatabaseB269D8BB.Endpoint.Address'],
    ['Join', { 'Fn::Join': ['', ['arn:', PARTITION, ':rds-db:eu-west-1:111111111111:dbuser:', CLUSTER_ID, '/app_rw']] }, 'arn:${Ref AWS::Partition}:rds-db:eu-west-1:111111111111:dbuser:${GetAtt DatabaseB269D8BB.DBClusterResourceId}/app_rw'],
    ['Sub', { 'Fn::Sub': 'arn:${AWS::Partition}:rds-db:x' }, 'arn:${AWS::Partition}:rds-db:x'],
    ['Select of Split', { 'Fn::Select': [6, { 'Fn::Split': [':', { 'Fn::GetAtt': ['ProxyCB0DFB71', 'DBProxyArn'] }] }] }, 'Select 6 of (Split ":" of (GetAtt ProxyCB0DFB71.DBProxyArn))'],
    ['ImportValue', { 'Fn::ImportValue': 'shared-db-resource-id' }, 'ImportValue shared-db-resource-id'],
    ['anything else, as JSON', { 'Fn::GetAZs': '' }, '{"Fn::GetAZs":""}'],
  ])('%s', (_label, expression, rendered) => {
    expect(renderExpression(expression)).toBe(rendered);
  });

  it('compares the two GetAtt forms as equal, and other expressions by value', () => {
    expect(expressionKey({ 'Fn::GetAtt': 'DatabaseB269D8BB.DBClusterResourceId' })).toBe(expressionKey(CLUSTER_ID));
    expect(expressionKey(CLUSTER_ID)).not.toBe(expressionKey({ 'Fn::GetAtt': ['DatabaseB269D8BB', 'DbiResourceId'] }));
  });

  it('lists the logical ids an expression refers to, in Ref, GetAtt and Sub (not pseudo parameters, not Sub variables)', () => {
    const expression = { 'Fn::Join': ['', [{ Ref: 'A' }, { Ref: 'AWS::Region' }, { 'Fn::GetAtt': 'B.Arn' }, { 'Fn::Sub': ['${C.Arn}/${D}/${!Literal}/${v}', { v: { Ref: 'E' } }] }]] };
    expect([...referencedLogicalIds(expression)].sort()).toEqual(['A', 'B', 'C', 'D', 'E']);
  });
});

describe('the Resource of an rds-db:connect statement, taken apart', () => {
  it.each([
    ['Stack.formatArn with a token resource id', { 'Fn::Join': ['', ['arn:', PARTITION, ':rds-db:eu-west-1:111111111111:dbuser:', CLUSTER_ID, '/app_rw']] }, CLUSTER_ID, 'app_rw'],
    ['a literal ARN', 'arn:aws:rds-db:eu-west-1:111111111111:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0/app_rw', 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0', 'app_rw'],
    ['an RDS Proxy ARN', 'arn:aws:rds-db:eu-west-1:111111111111:dbuser:prx-0123456789abcdef0/app_rw', 'prx-0123456789abcdef0', 'app_rw'],
    ['a proxy by its ARN attribute', { 'Fn::Join': ['', ['arn:', PARTITION, ':rds-db:eu-west-1:1:dbuser:', { 'Fn::Select': [6, { 'Fn::Split': [':', { 'Fn::GetAtt': ['P', 'DBProxyArn'] }] }] }, '/app']] }, { 'Fn::Select': [6, { 'Fn::Split': [':', { 'Fn::GetAtt': ['P', 'DBProxyArn'] }] }] }, 'app'],
    ['Fn::Sub', { 'Fn::Sub': 'arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:${DatabaseB269D8BB.DBClusterResourceId}/app_rw' }, CLUSTER_ID, 'app_rw'],
    ['Fn::Sub with a variable', { 'Fn::Sub': ['arn:aws:rds-db:eu-west-1:1:dbuser:${Id}/app_rw', { Id: CLUSTER_ID }] }, CLUSTER_ID, 'app_rw'],
    ['a Join with a separator', { 'Fn::Join': [':', ['arn', 'aws', 'rds-db', 'eu-west-1', '1', 'dbuser', 'db-ABC/app_rw']] }, 'db-ABC', 'app_rw'],
    ['every user of every database', 'arn:aws:rds-db:*:*:dbuser:*/*', '*', '*'],
    ['the resource *', '*', '*', '*'],
    ['a user name only known at deploy time', { 'Fn::Join': ['', ['arn:aws:rds-db:eu-west-1:1:dbuser:db-ABC/', { Ref: 'UserParam' }]] }, 'db-ABC', '${Ref UserParam}'],
  ])('%s', (_label, resource, resourceId, username) => {
    expect(parseDbUserResource(resource)).toEqual({ resourceId, username, rendered: renderExpression(resource) });
  });

  it.each([
    ['another service', 'arn:aws:s3:::bucket/dbuser:x/y'],
    ['an RDS cluster ARN', 'arn:aws:rds:eu-west-1:111111111111:cluster:orders'],
    ['a dbuser ARN without a user part', 'arn:aws:rds-db:eu-west-1:111111111111:dbuser:db-ABC'],
    ['an expression of no known shape', { Ref: 'SomeArn' }],
  ])('names no database user for %s', (_label, resource) => {
    expect(parseDbUserResource(resource)).toBeUndefined();
  });

  it.each([
    ['*', 'app_rw', true],
    ['app_*', 'app_rw', true],
    ['app_??', 'app_rw', true],
    ['app_?', 'app_rw', false],
    ['App_rw', 'app_rw', false],
    ['app.rw', 'appxrw', false],
  ])('pattern %s matches %s: %s', (pattern, name, expected) => {
    expect(matchesIamPattern(pattern, name)).toBe(expected);
    expect(isIamPattern(pattern)).toBe(pattern.includes('*') || pattern.includes('?'));
  });

  it.each([
    ['rds-db:connect', true],
    ['rds-db:Connect', true],
    ['rds-db:*', true],
    ['*', true],
    ['rds-db:conn*', true],
    ['rds:*', false],
    ['rds-db:connected', false],
  ])('action %s covers rds-db:connect: %s', (action, expected) => {
    expect(coversConnect(action)).toBe(expected);
  });
});
