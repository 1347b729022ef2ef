/** Worker thread: parses and validates a peer's `/chain` answer off the main event loop. */
import { parentPort } from 'node:worker_threads';
import { createGenesis, forgeBlock } from '../chain/block.ts';
import { dumpsPy } from '../chain/json.ts';
import {
  checkChainText,
  checkHalf,
  packResult,
  splitAtSeam,
  type ChainCheckRequest,
  type HalfCheckRequest,
} from './check-chain.ts';

/**
 * Runs the checks a few times over a made-up chain when the thread starts, so that the first real
 * chain (the first resolve after start, often a long one) meets optimised code rather than the
 * interpreter: cold, a 20,000-block chain took three times as long.
 */
function warmUp(): void {
  let tip = createGenesis('article', 1_700_000_000.25);
  const texts = [tip.text];
  const reward = dumpsPy({ amount: 1n, recipient: 'e3b0c44298fc1c149afbf4c8996fb924', sender: '0' });
  for (let i = 1; i < 1000; i++) {
    tip = forgeBlock(
      tip,
      BigInt(i),
      [dumpsPy({ amount: 2.5, recipient: `r${i}`, sender: 's' }), reward],
      1_700_000_000.25 + i,
    );
    texts.push(tip.text);
  }
  const rules = { profile: 'article', difficulty: 0 } as const;
  const body = `{"chain": [${texts.join(', ')}], "length": 1000}`;
  const { head, tail } = splitAtSeam(Buffer.from(body))!;
  for (let round = 0; round < 4; round++) {
    packResult(checkChainText({ body, rules }));
    checkHalf({ body: head, rules, half: 'head' });
    checkHalf({ body: tail, rules, half: 'tail' });
  }
}

warmUp();
parentPort?.postMessage({ ready: true });
type Request = ((ChainCheckRequest & { kind: 'whole' }) | (HalfCheckRequest & { kind: 'half' })) & {
  id: number;
};
parentPort?.on('message', (request: Request) => {
  const answer = request.kind === 'half' ? checkHalf(request) : packResult(checkChainText(request));
  parentPort!.postMessage({ id: request.id, answer });
});
