/** Worker thread: parses and validates a peer's `/chain` answer off the main event loop. */
import { parentPort } from 'node:worker_threads';
import { checkChainText, type ChainCheckRequest } from './check-chain.ts';

parentPort?.on('message', (request: ChainCheckRequest & { id: number }) => {
  parentPort!.postMessage({ id: request.id, result: checkChainText(request) });
});
