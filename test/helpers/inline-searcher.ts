import { isValidProof } from '../../src-main/chain/proof.ts';
import type { ProofSearcher } from '../../src-main/mining/types.ts';
export function createProofSearcher(_o: { workers?: number } = {}): ProofSearcher {
  return {
    async find(job, options = {}) {
      let p = 0n;
      for (;;) {
        for (let i = 0; i < 5000; i++, p++) {
          if (isValidProof(job, job.lastProof, p, job.lastHash)) return p;
        }
        if (options.signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
        await new Promise((r) => setImmediate(r));
      }
    },
    setWorkers() {},
    async close() {},
  };
}
