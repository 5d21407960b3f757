import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LambdaFunctionDefinition } from '../../lib/rehearsal/lambda-function';
import { lambdaNodeBinary } from '../../lib/rehearsal/lambda-node-runtime';
import { runtimeProvidedModules, runtimeShimFile } from '../../lib/rehearsal/lambda-runtime-environment';
import { LambdaService } from '../../lib/rehearsal/lambda-service';
import { ResponseRecorder } from '../../lib/rehearsal/response-recorder';

/** Handlers as a bundle would export them, in one asset folder. */
const HANDLERS = `
let invocations = 0;
exports.echo = async (event, context) => ({ event, invocations: ++invocations, remainingMs: context.getRemainingTimeInMillis(), requestId: context.awsRequestId, node: process.version, region: process.env.AWS_REGION, declared: process.env.DECLARED });
exports.fails = async () => { const error = new Error('boom'); error.name = 'ProvisionerError'; throw error; };
exports.callback = (event, context, callback) => setTimeout(() => callback(null, { via: 'callback' }), 10);
exports.sleeps = () => new Promise((resolve) => setTimeout(resolve, 60000));
exports.sdk = async () => typeof require('@aws-sdk/client-secrets-manager').SecretsManagerClient;
exports.notProvided = async () => require('mysql2');
// Sends as the Provider framework does: to the ResponseURL's host, no port (S3's 443), Node's default CA store.
exports.respond = (event) => new Promise((resolve, reject) => {
  const url = new URL(event.ResponseURL);
  const body = JSON.stringify({ Status: 'SUCCESS' });
  const request = require('https').request({ hostname: url.hostname, path: url.pathname + url.search, method: 'PUT', headers: { 'content-length': body.length } }, (answer) => { answer.resume(); resolve(answer.statusCode); });
  request.on('error', reject);
  request.end(body);
});
`;

let directory: string;
let lambda: LambdaService;

function definition(handler: string, timeoutSeconds = 5): LambdaFunctionDefinition {
  return {
    logicalId: `Fn${handler.replace(/\W/g, '')}`,
    functionName: `RdsIamMysql-dev-Fn${handler.replace(/\W/g, '')}-AbCdEf123456`,
    arn: `arn:aws:lambda:eu-west-1:111111111111:function:RdsIamMysql-dev-Fn${handler.replace(/\W/g, '')}-AbCdEf123456`,
    handler,
    runtime: 'nodejs24.x',
    codeDirectory: join(directory, 'asset'),
    environment: { DECLARED: 'from-the-template' },
    timeoutSeconds,
    memorySize: 256,
    logGroupName: '/aws/lambda/test',
  };
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'rds-iam-lambda-runtime-test-'));
  const asset = join(directory, 'asset');
  mkdirSync(asset);
  writeFileSync(join(asset, 'index.js'), HANDLERS);
  const [nodeBinary, nodePath] = await Promise.all([lambdaNodeBinary(), runtimeProvidedModules(join(directory, 'runtime'))]);
  lambda = new LambdaService(
    { nodeBinary, shimFile: runtimeShimFile(), environment: () => ({ PATH: '/usr/bin:/bin', NODE_PATH: nodePath, AWS_REGION: 'eu-west-1' }) },
    { find: () => undefined },
  );
}, 180_000);
afterAll(() => {
  lambda.shutdown();
  rmSync(directory, { recursive: true, force: true });
});

describe('the Lambda-like runtime the rehearsal runs bundles in', () => {
  it('runs a handler under Node.js 24 with the event, a context and the environment, warm on the second call', async () => {
    const first = await lambda.invoke(definition('index.echo'), { RequestType: 'Create' });
    const second = await lambda.invoke(definition('index.echo'), { RequestType: 'Update' });

    expect(first.result.ok).toBe(true);
    const answer = JSON.parse(first.result.ok ? first.result.payload : '{}') as Record<string, unknown>;
    expect(answer).toMatchObject({ event: { RequestType: 'Create' }, invocations: 1, requestId: first.requestId, region: 'eu-west-1', declared: 'from-the-template' });
    expect(String(answer.node)).toMatch(/^v24\./);
    expect(Number(answer.remainingMs)).toBeGreaterThan(4_000);
    expect(JSON.parse(second.result.ok ? second.result.payload : '{}')).toMatchObject({ invocations: 2 });
  });

  it('reports a thrown error as Lambda does: its name as errorType, its message', async () => {
    const outcome = await lambda.invoke(definition('index.fails'), {});
    expect(outcome.result).toMatchObject({ ok: false, error: { errorType: 'ProvisionerError', errorMessage: 'boom' } });
  });

  it('answers a callback-style handler', async () => {
    const outcome = await lambda.invoke(definition('index.callback'), {});
    expect(outcome.result).toEqual({ ok: true, payload: '{"via":"callback"}' });
  });

  it('kills a function at its Timeout with "Task timed out"', async () => {
    const outcome = await lambda.invoke(definition('index.sleeps', 1), {});
    expect(outcome.result).toMatchObject({ ok: false, error: { errorType: 'Sandbox.Timedout' } });
    expect(outcome.logs).toContain('Task timed out after 1.00 seconds');
    expect(outcome.durationMs).toBeLessThan(5_000);
  });

  it('provides the AWS SDK, as the runtime does, and nothing else', async () => {
    expect((await lambda.invoke(definition('index.sdk'), {})).result).toEqual({ ok: true, payload: '"function"' });
    const notProvided = await lambda.invoke(definition('index.notProvided'), {});
    expect(notProvided.result.ok ? '' : notProvided.result.error.errorMessage).toMatch(/Cannot find module 'mysql2'/);
  });

  it('fails an invocation whose handler cannot be loaded with Runtime.HandlerNotFound', async () => {
    const outcome = await lambda.invoke(definition('index.missing'), {});
    expect(outcome.result).toMatchObject({ ok: false, error: { errorType: 'Runtime.HandlerNotFound' } });
  });

  it('delivers a PUT sent to the ResponseURL host without a port when the recorder could not bind port 443', async () => {
    // Prepare: the recorder as a non-root user gets it, and a runtime routed to it.
    const recorder = await ResponseRecorder.start({ httpsPort: false });
    const [nodeBinary, nodePath] = await Promise.all([lambdaNodeBinary(), runtimeProvidedModules(join(directory, 'runtime'))]);
    const routed = new LambdaService(
      {
        nodeBinary,
        shimFile: runtimeShimFile(),
        environment: () => ({ PATH: '/usr/bin:/bin', NODE_PATH: nodePath, NODE_EXTRA_CA_CERTS: recorder.caFile, RDS_IAM_REHEARSAL_ROUTE: recorder.route ?? '' }),
      },
      { find: () => undefined },
    );
    try {
      const { url, key } = recorder.responseUrl('arn:aws:cloudformation:eu-west-1:111111111111:stack/S/1', 'Users', 'request-1', 'eu-west-1');

      // Act
      const outcome = await routed.invoke(definition('index.respond'), { ResponseURL: url });

      // Assess
      expect(recorder.route).toMatch(/^127\.\d+\.\d+\.\d+:443=127\.\d+\.\d+\.\d+:\d+$/);
      expect(outcome.result).toEqual({ ok: true, payload: '200' });
      expect(recorder.responsesFor(key).map((response) => response.body.toString())).toEqual(['{"Status":"SUCCESS"}']);
    } finally {
      routed.shutdown();
      await recorder.close();
    }
  });
});
