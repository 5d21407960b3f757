/**
 * A small Lambda-like runtime for Node.js bundles, run as a child process under the Lambda Node.js version (as
 * TypeScript through Node's type stripping, or compiled): it loads `_HANDLER` (`file.export`) from
 * `LAMBDA_TASK_ROOT` at init, then runs one invocation per `invoke` message with a Lambda-shaped `context`, and
 * answers with the JSON result or the error as Lambda reports it. Only Node built-ins here: the project is not
 * on this process's module path, exactly as it is not in Lambda.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InvokeMessage, LambdaErrorPayload, ShimMessage } from './lambda-invocation-protocol';

/**
 * `host:443=host:port`: where to send TLS connections to the rehearsal's S3 address when it could not listen on
 * port 443 (not root). Code that sends to the ResponseURL's host without a port reaches it all the same.
 */
function routeResponseHost(route: string): void {
  const [from, to] = route.split('=');
  const [fromHost, fromPort] = from.split(':');
  const [toHost, toPort] = to.split(':');
  const tlsModule = createRequire(join(process.cwd(), 'route.js'))('node:tls') as typeof import('node:tls');
  const connect = tlsModule.connect;
  const routed = (...args: unknown[]): unknown => {
    const options = args[0];
    if (typeof options === 'object' && options !== null) {
      const target = options as { host?: string; port?: number | string; servername?: string };
      if (target.host === fromHost && String(target.port ?? 443) === fromPort) {
        args[0] = { ...target, host: toHost, port: Number(toPort) };
      }
    }
    return (connect as (...rest: unknown[]) => unknown)(...args);
  };
  Object.defineProperty(tlsModule, 'connect', { value: routed, writable: true, configurable: true });
}

if (process.env.RDS_IAM_REHEARSAL_ROUTE) routeResponseHost(process.env.RDS_IAM_REHEARSAL_ROUTE);

type Handler = (event: unknown, context: unknown, callback?: (error: unknown, result?: unknown) => void) => unknown;

function send(message: ShimMessage): void {
  process.send?.(message);
}

function errorPayload(error: unknown, fallbackType: string): LambdaErrorPayload {
  if (error instanceof Error) {
    return { errorType: error.name || fallbackType, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: fallbackType, errorMessage: String(error) };
}

async function loadHandler(): Promise<Handler> {
  const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const handlerSetting = process.env._HANDLER ?? '';
  const dot = handlerSetting.lastIndexOf('.');
  if (dot <= 0) throw Object.assign(new Error(`Bad handler ${handlerSetting}: expected file.export`), { name: 'Runtime.MalformedHandlerName' });
  const modulePath = handlerSetting.slice(0, dot);
  const exportName = handlerSetting.slice(dot + 1);
  const file = ['.js', '.mjs', '.cjs'].map((extension) => join(taskRoot, modulePath + extension)).find((candidate) => existsSync(candidate));
  if (file === undefined) {
    throw Object.assign(new Error(`Error: Cannot find module '${modulePath}'`), { name: 'Runtime.ImportModuleError' });
  }
  let loaded: Record<string, unknown>;
  try {
    loaded = file.endsWith('.mjs')
      ? ((await import(pathToFileURL(file).href)) as Record<string, unknown>)
      : (createRequire(file)(file) as Record<string, unknown>);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw Object.assign(new Error(`Error: ${message}`), { name: 'Runtime.ImportModuleError' });
  }
  const handler = loaded[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${modulePath}.${exportName} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  return handler as Handler;
}

function run(handler: Handler, message: InvokeMessage): void {
  const { context: fields, deadlineMs } = message;
  const context = {
    ...fields,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: () => undefined,
    succeed: () => undefined,
    fail: () => undefined,
  };
  let settled = false;
  const finish = (error: unknown, result?: unknown): void => {
    if (settled) return;
    settled = true;
    if (error !== undefined && error !== null) {
      send({ type: 'error', requestId: fields.awsRequestId, error: errorPayload(error, 'Error') });
    } else {
      send({ type: 'result', requestId: fields.awsRequestId, payload: JSON.stringify(result === undefined ? null : result) });
    }
  };
  try {
    const returned = handler(message.event, context, (error, result) => finish(error, result));
    if (returned !== undefined && typeof (returned as Promise<unknown>).then === 'function') {
      (returned as Promise<unknown>).then((result) => finish(null, result), (error: unknown) => finish(error ?? new Error('rejected')));
    } else if (handler.length < 3) {
      finish(null, returned);
    }
  } catch (error) {
    finish(error);
  }
}

process.on('unhandledRejection', (reason) => {
  const error = errorPayload(reason, 'Runtime.UnhandledPromiseRejection');
  console.error(`ERROR\tUnhandled Promise Rejection\t${JSON.stringify({ errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: error.errorMessage })}`);
  process.exit(128);
});

loadHandler().then(
  (handler) => {
    process.on('message', (message: InvokeMessage) => {
      if (message.type === 'invoke') run(handler, message);
    });
    send({ type: 'ready' });
  },
  (error: unknown) => {
    send({ type: 'init-error', error: errorPayload(error, 'Runtime.ImportModuleError') });
    process.exitCode = 1;
    process.disconnect?.();
  },
);
