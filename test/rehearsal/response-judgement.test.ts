import { judgeResponse } from '../../lib/rehearsal/response-judgement';

const REQUEST = {
  RequestType: 'Update',
  RequestId: 'e95977fd-9f7f-4151-88ef-d78589fb638a',
  StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/RdsIamMysql-dev/2636a940-0436-4bb4-b788-ad924c11d629',
  LogicalResourceId: 'UserProvisionerUsers19E2A3D5',
  PhysicalResourceId: 'rds-iam-users:cluster-DCBD329WSXVA4B3AF6X67A0622',
};
const PASSWORD = 'k3PdX0-master-password-AbCd';

const body = (fields: Record<string, unknown>): Buffer =>
  Buffer.from(
    JSON.stringify({ Status: 'SUCCESS', StackId: REQUEST.StackId, RequestId: REQUEST.RequestId, LogicalResourceId: REQUEST.LogicalResourceId, PhysicalResourceId: REQUEST.PhysicalResourceId, ...fields }),
  );

describe('judgeResponse, as CloudFormation reads a custom resource response', () => {
  it('accepts a sound SUCCESS with its data', () => {
    const judged = judgeResponse(body({ Data: { created: 3 } }), REQUEST, [PASSWORD]);
    expect(judged).toMatchObject({ status: 'SUCCESS', physicalResourceId: REQUEST.PhysicalResourceId, data: { created: 3 }, problems: [] });
  });

  it('accepts a FAILED with a reason', () => {
    expect(judgeResponse(body({ Status: 'FAILED', Reason: 'statement 5 of 5 failed' }), REQUEST, [])).toMatchObject({ status: 'FAILED', reason: 'statement 5 of 5 failed', problems: [] });
  });

  it.each([
    ['a body over 4,096 bytes', body({ Status: 'FAILED', Reason: 'x'.repeat(4100) }), /4096/],
    ['no JSON', Buffer.from('<Error/>'), /not a JSON object/],
    ['an unknown status', body({ Status: 'OK' }), /Status is "OK"/],
    ["another request's id", body({ RequestId: 'another' }), /RequestId/],
    ['a physical id over 1 KB', body({ PhysicalResourceId: 'p'.repeat(1025) }), /1025 bytes/],
    ['no physical id', body({ PhysicalResourceId: '' }), /missing or empty/],
  ])('rejects %s as invalid', (_name, response, problem) => {
    const judged = judgeResponse(response, REQUEST, []);
    expect(judged.status).toBe('INVALID');
    expect(judged.problems.join('\n')).toMatch(problem);
  });

  it('flags a Delete answered with another physical id', () => {
    const judged = judgeResponse(body({ PhysicalResourceId: 'rds-iam-users:cluster-OTHER' }), { ...REQUEST, RequestType: 'Delete' }, []);
    expect(judged.problems.join('\n')).toMatch(/not the one being deleted/);
  });

  it('flags a FAILED without a reason', () => {
    expect(judgeResponse(body({ Status: 'FAILED' }), REQUEST, []).problems).toEqual(['a FAILED response has no Reason']);
  });

  it('flags a leaked master password and never repeats it', () => {
    const judged = judgeResponse(body({ Status: 'FAILED', Reason: `Access denied using password ${PASSWORD}` }), REQUEST, [PASSWORD]);
    expect(judged.problems).toEqual(['the response carries a secret (1 found: the master password or a token)']);
    expect(JSON.stringify(judged)).not.toContain(PASSWORD);
  });
});
