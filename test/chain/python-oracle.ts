/** Runs many JSON texts through one CPython process: `json.dumps(json.loads(line), sort_keys=True)`. */
import { spawnSync } from 'node:child_process';

const SCRIPT = `
import json, sys
out = []
for line in sys.stdin.buffer.read().split(b"\\n"):
    try:
        out.append(json.dumps(json.loads(line.decode("utf-8")), sort_keys=True))
    except Exception as e:
        out.append("ERROR " + type(e).__name__ + ": " + str(e).replace("\\n", " "))
sys.stdout.write("\\n".join(out))
`;

/** Python's canonical dump of each line, or "ERROR …" when Python rejects it. */
export function pythonDumps(lines: readonly string[]): string[] {
  for (const line of lines) {
    if (line.includes('\n')) throw new Error(`a test document contains a newline: ${line}`);
  }
  const result = spawnSync('python3', ['-c', SCRIPT], {
    input: Buffer.from(lines.join('\n'), 'utf8'),
    maxBuffer: 1 << 30,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr.toString()}`);
  const out = result.stdout.toString('utf8').split('\n');
  if (out.length !== lines.length)
    throw new Error(`python3 returned ${out.length} lines for ${lines.length}`);
  return out;
}
