/** Worker thread: parses and validates a peer's `/chain` answer off the main event loop. */
import { parentPort } from 'node:worker_threads';
import { createGenesis, forgeBlock } from '../chain/block.ts';
import { dumpsPy } from '../chain/json.ts';
import { checkChainText, packResult, type ChainCheckRequest } from './check-chain.ts';

/**
 * Runs the check once over a made-up chain when the thread starts, so that the first real chain (the
 * first resolve after start, often a long one) meets compiled code rather than the interpreter.
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
  checkChainText({
    body: `{"chain": [${texts.join(', ')}], "length": 1000}`,
    rules: { profile: 'article', difficulty: 0 },
  });
}

warmUp();
parentPort?.postMessage({ ready: true });
parentPort?.on('message', (request: ChainCheckRequest & { id: number }) => {
  parentPort!.postMessage({ id: request.id, result: packResult(checkChainText(request)) });
});
