/**
 * In-process token signing speed: the bare `@aws-sdk/rds-signer` Signer next to this library's token functions.
 *
 *   npx tsx bench/token-throughput.ts [tokens-per-round=5000] [rounds=5]
 *
 * Rows: the bare Signer (one instance, `getAuthToken()` in a loop: the floor); `generateAuthToken` (a new Signer per
 * token plus the AWS CLI parameter order, what `rds-iam token` does once); `IamTokenProvider` with `reuseForMs: 0`
 * (signs for every connection); `IamTokenProvider` with its default 10-minute reuse (what a pool's new connections
 * get). Fixed credentials, so no credential chain is timed. Rounds alternate the order of the rows; the table shows
 * the median round.
 */
import { performance } from 'node:perf_hooks';
import { Signer } from '@aws-sdk/rds-signer';
import { generateAuthToken, IamTokenProvider } from '../lib/client/iam-token-provider';
import { median } from './statistics';

const tokensPerRound = Number(process.argv[2] ?? 5000);
const rounds = Number(process.argv[3] ?? 5);
const REQUEST = { hostname: 'orders.cluster-abc123.eu-west-1.rds.amazonaws.com', port: 3306, username: 'app_rw', region: 'eu-west-1' };
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

type Contender = { readonly name: string; readonly sign: () => Promise<string> };

function contenders(): Contender[] {
  const bare = new Signer({ ...REQUEST, credentials: CREDENTIALS });
  const signEveryTime = new IamTokenProvider({ ...REQUEST, credentials: CREDENTIALS, reuseForMs: 0 });
  const pooled = new IamTokenProvider({ ...REQUEST, credentials: CREDENTIALS });
  return [
    { name: 'bare rds-signer Signer.getAuthToken (floor)', sign: () => bare.getAuthToken() },
    { name: 'generateAuthToken (new Signer + AWS CLI order)', sign: () => generateAuthToken({ ...REQUEST, credentials: CREDENTIALS }) },
    { name: 'IamTokenProvider, reuseForMs 0 (signs each time)', sign: () => signEveryTime.getToken() },
    { name: 'IamTokenProvider, default 10 min reuse (pool)', sign: () => pooled.getToken() },
  ];
}

async function tokensPerSecond(contender: Contender): Promise<number> {
  const start = performance.now();
  for (let index = 0; index < tokensPerRound; index += 1) await contender.sign();
  return tokensPerRound / ((performance.now() - start) / 1000);
}


async function main(): Promise<void> {
  const all = contenders();
  for (const contender of all) await contender.sign(); // warm-up: module init, JIT
  const results = new Map<string, number[]>(all.map((contender) => [contender.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? all : [...all].reverse();
    for (const contender of order) results.get(contender.name)!.push(await tokensPerSecond(contender));
  }
  const floor = median(results.get(all[0].name)!);
  console.log(`Token signing, ${tokensPerRound} tokens per round, median of ${rounds} rounds (node ${process.version})\n`);
  console.log('| signer | tokens/s | vs bare Signer |');
  console.log('| --- | ---: | ---: |');
  for (const contender of all) {
    const rate = median(results.get(contender.name)!);
    console.log(`| ${contender.name} | ${Math.round(rate).toLocaleString('en-US')} | ${(rate / floor).toFixed(2)}x |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
