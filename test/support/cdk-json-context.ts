import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The context `cdk.json` gives this repository's app (the recommended feature flags of the aws-cdk-lib in use): tests
 * that build an `App` themselves start from it, so their templates are the ones `npx cdk synth` writes.
 */
export const CDK_JSON_CONTEXT: Readonly<Record<string, unknown>> = (
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;
