import { REDACTED_TOKEN, redactAuthTokens, summarizeAuthToken, toAwsCliParameterOrder } from '../../lib/client/auth-token-format';

const SORTED_TOKEN =
  'db.abc.us-east-1.rds.amazonaws.com:3306/?Action=connect&DBUser=app&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  '&X-Amz-Credential=AKIDEXAMPLE%2F20240501%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date=20240501T120000Z' +
  '&X-Amz-Expires=900&X-Amz-Security-Token=abc%2Fdef&X-Amz-Signature=0123abcd&X-Amz-SignedHeaders=host';

describe('toAwsCliParameterOrder', () => {
  it('moves the signature last, after SignedHeaders and the session token, as the AWS CLI prints it', () => {
    const reordered = toAwsCliParameterOrder(SORTED_TOKEN);

    expect(summarizeAuthToken(reordered).parameterNames).toEqual([
      'Action', 'DBUser', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires',
      'X-Amz-SignedHeaders', 'X-Amz-Security-Token', 'X-Amz-Signature',
    ]);
    expect(reordered.split('?')[0]).toBe('db.abc.us-east-1.rds.amazonaws.com:3306/');
    expect(new Set(reordered.split('?')[1].split('&'))).toEqual(new Set(SORTED_TOKEN.split('?')[1].split('&')));
  });
});

describe('summarizeAuthToken', () => {
  it('reads host, port, user and the 15-minute validity window', () => {
    expect(summarizeAuthToken(SORTED_TOKEN)).toMatchObject({
      host: 'db.abc.us-east-1.rds.amazonaws.com',
      port: 3306,
      username: 'app',
      signedAt: new Date('2024-05-01T12:00:00Z'),
      expiresAt: new Date('2024-05-01T12:15:00Z'),
    });
  });

  it('refuses text that is not a token, without echoing it', () => {
    expect(() => summarizeAuthToken('hunter2')).toThrow('not an RDS IAM auth token');
    expect(() => summarizeAuthToken('hunter2')).not.toThrow(/hunter2/);
  });
});

describe('redactAuthTokens', () => {
  it('replaces a whole token in a command line and keeps the rest', () => {
    const line = `MYSQL_PWD='${SORTED_TOKEN}' mariadb --host db --user app`;

    expect(redactAuthTokens(line)).toBe(`MYSQL_PWD='${REDACTED_TOKEN}' mariadb --host db --user app`);
  });

  it('leaves text without tokens alone', () => {
    expect(redactAuthTokens('Access denied for user app')).toBe('Access denied for user app');
  });
});
