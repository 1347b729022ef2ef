/** The tutorial's own proof search, run by python3: the oracle for which proof a tutorial node finds. */
import { spawnSync } from 'node:child_process';
import type { ProofJob } from '../../src-main/mining/types.ts';

// The article's proof_of_work and valid_proof (the dvf guess appends the previous block's hash), with
// the difficulty as a parameter and a bound on the candidates tried.
const SCRIPT = `
import hashlib, json, sys

def valid_proof(profile, difficulty, last_proof, proof, last_hash):
    guess = f"{last_proof}{proof}{last_hash}" if profile == "dvf" else f"{last_proof}{proof}"
    guess_hash = hashlib.sha256(guess.encode()).hexdigest()
    return guess_hash[:difficulty] == "0" * difficulty

def proof_of_work(profile, difficulty, last_proof, last_hash, below):
    proof = 0
    while valid_proof(profile, difficulty, last_proof, proof, last_hash) is False:
        proof += 1
        if proof >= below:
            return None
    return proof

out = []
for line in sys.stdin.read().splitlines():
    profile, difficulty, last_proof, last_hash, below = json.loads(line)
    proof = proof_of_work(profile, difficulty, int(last_proof), last_hash, below)
    out.append("none" if proof is None else str(proof))
print("\\n".join(out))
`;

/** The proof python3 finds for each job by the tutorial's loop, or null when none is below `below`. */
export function pythonProofs(jobs: readonly ProofJob[], below: number): (bigint | null)[] {
  const input = jobs
    .map((job) => JSON.stringify([job.profile, job.difficulty, String(job.lastProof), job.lastHash, below]))
    .join('\n');
  const result = spawnSync('python3', ['-c', SCRIPT], { input, encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
  const out = result.stdout.trim().split('\n');
  if (out.length !== jobs.length) throw new Error(`python3 returned ${out.length} lines for ${jobs.length}`);
  return out.map((line) => (line === 'none' ? null : BigInt(line)));
}
