import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { ProfileName } from '../../src-main/chain/types.ts';
import type { RunningNode } from '../../src-main/runtime/start-node.ts';
import { startTestNode, tempDir } from '../helpers/node-fixture.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Starts the tutorial's node (test/fixtures/tutorial_node.py) and returns its port. */
async function startTutorialNode(profile: ProfileName): Promise<number> {
  const child: ChildProcess = spawn(
    'python3',
    [resolve('test/fixtures/tutorial_node.py'), '--profile', profile],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  cleanups.push(() => {
    child.kill();
  });
  return new Promise((done, fail) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\d+)/.exec(out);
      if (match) done(Number(match[1]));
    });
    child.once('exit', (code) => fail(new Error(`the tutorial node exited with ${code}`)));
  });
}

async function call(url: string, body?: unknown): Promise<Record<string, unknown>> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(url, body === undefined ? undefined : { method: 'POST', body: text });
  return (await res.json()) as Record<string, unknown>;
}

async function startOurs(profile: ProfileName): Promise<RunningNode> {
  const tmp = tempDir();
  const running = await startTestNode(tmp.dir, { profile });
  cleanups.push(tmp.cleanup, () => running.close());
  return running;
}

describe.each(['article', 'dvf'] as const)(
  'a tutorial Python node and Blockparty (%s profile)',
  (profile) => {
    it('sync both ways: each validates and adopts the other’s longer chain', async () => {
      const tutorialPort = await startTutorialNode(profile);
      const tutorial = `http://127.0.0.1:${tutorialPort}`;
      const ours = await startOurs(profile);
      const oursUrl = `http://127.0.0.1:${ours.port()}`;

      // Our chain, with what makes Python's hashing special: a float amount, non-ASCII, an astral character.
      await ours.node.submitTransaction({ sender: 'José 😀', recipient: '老师', amount: 2.5 });
      await ours.node.submitTransaction({ sender: 'a\u007f"\\', recipient: 'b', amount: 1.0 });
      await ours.node.mine();
      await ours.node.mine();
      await call(`${tutorial}/nodes/register`, { nodes: [oursUrl] });
      const adopted = await call(`${tutorial}/nodes/resolve`);
      expect(adopted['message']).toBe('Our chain was replaced');
      expect(JSON.stringify((await call(`${tutorial}/chain`))['chain'])).toBe(
        JSON.stringify((await call(`${oursUrl}/chain`))['chain']),
      );

      // Now the tutorial node grows its chain (a float amount from Python included) and we adopt it.
      await call(`${tutorial}/transactions/new`, '{"sender": "py", "recipient": "js", "amount": 1.0}');
      await call(`${tutorial}/mine`);
      await call(`${tutorial}/mine`);
      ours.node.registerPeers([`127.0.0.1:${tutorialPort}`]);
      const report = await ours.node.resolve();
      expect(report.peers[0]).toMatchObject({ outcome: 'adopted', blocks: 5 });
      expect(report.replacedFrom).toBeNull();
      const theirText = await (await fetch(`${tutorial}/chain`)).text();
      const ourText = await (await fetch(`${oursUrl}/chain`)).text();
      expect(JSON.parse(ourText)).toEqual(JSON.parse(theirText));
      // Python wrote the float 1.0 as `1.0`; we keep it a float.
      expect(ourText).toContain('"amount": 1.0, "recipient": "js"');

      // The tutorial node speaks only the five routes: shown as a tutorial node, not a broken one.
      const [peer] = await ours.node.refreshPeers();
      expect(peer).toMatchObject({
        status: 'online',
        kind: 'tutorial',
        height: 5,
        name: null,
        incompatible: null,
      });
    });
  },
);
