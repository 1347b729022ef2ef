/**
 * The classroom lab on real nodes talking over loopback: the pace followed by every node, private
 * mining withheld then released (the other nodes reorg), the tamper lab's verdicts from peers, the
 * flights collected at the origin, join codes and the spectator route.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePyJson } from '../../src-main/chain/json.ts';
import { MinedBlocks } from '../../src-main/control/lab.ts';
import { registerSpectator, spectatorView } from '../../src-main/control/spectator.ts';
import { diagnose } from '../../src-main/control/diagnostics.ts';
import type { RunningNode } from '../../src-main/runtime/start-node.ts';
import type { SpectatorDto } from '../../src-main/shared/api.ts';
import { encodeJoinCode } from '../../src-main/shared/join-code.ts';
import { startTestNode, tempDir } from '../helpers/node-fixture.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function start(
  name: string,
  overrides = {},
  peerRoutes?: Parameters<typeof startTestNode>[3],
): Promise<RunningNode> {
  const tmp = tempDir();
  const running = await startTestNode(tmp.dir, { name, difficulty: 2, ...overrides }, 1500, peerRoutes);
  cleanups.push(tmp.cleanup, () => running.close());
  return running;
}

const addressOf = (n: RunningNode): string => `127.0.0.1:${n.port()}`;

/** Resolves when `check` holds, looking again on every node event and every 50 ms, or fails after `ms`. */
async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Nodes that know each other (and so share a network: the fresh ones join the first one's). */
async function network(names: string[]): Promise<RunningNode[]> {
  const nodes: RunningNode[] = [];
  for (const name of names) nodes.push(await start(name));
  for (const n of nodes.slice(1)) n.node.registerPeers([addressOf(nodes[0]!)]);
  // Fresh nodes agree on one of their genesis blocks (the same order everywhere picks which).
  await until(
    'one network',
    () =>
      new Set(nodes.map((n) => n.node.chain()[0]!.hash)).size === 1 &&
      nodes.every(
        (n) =>
          n.node.peers().filter((p) => p.status === 'online' && p.incompatible === null).length >=
          nodes.length - 1,
      ),
  );
  return nodes;
}

const tip = (n: RunningNode): string => n.node.status().lastHash;

describe('the network pace', () => {
  it('set on one node, reaches the others through their cards, and spaces each node’s blocks', async () => {
    const [a, b] = await network(['Ana', 'Bo']);
    a!.node.setPace(1);
    await until('the pace at Bo', () => b!.node.status().lab.pace?.seconds === 1);
    expect(b!.node.status().lab.pace).toMatchObject({ seconds: 1, setByName: 'Ana' });
    // Bo mines block after block: at difficulty 2 each takes milliseconds, the pace makes it 1 s.
    await b!.node.updateSettings({ autoMine: true });
    const ours = () => b!.node.chain().filter((blk) => blk.text.includes(`"recipient": "${b!.node.id}"`));
    await until('three blocks of Bo', () => ours().length >= 3);
    b!.node.stopMining();
    const times = ours().map((blk) => Number((parsePyJson(blk.text) as { timestamp: number }).timestamp));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(0.95);
    // A newer setting wins everywhere; 0 lifts the pace.
    b!.node.setPace(0);
    await until('the pace lifted at Ana', () => a!.node.status().lab.pace?.seconds === 0);
  });

  it('refuses a pace that is not a whole number of seconds in range', async () => {
    const a = await start('Ana');
    expect(() => a.node.setPace(-1)).toThrow(
      expect.objectContaining({ code: 'invalid-request', field: 'seconds' }),
    );
    expect(() => a.node.setPace(1.5)).toThrow(expect.objectContaining({ code: 'invalid-request' }));
    expect(() => a.node.setPace(3601)).toThrow(expect.objectContaining({ code: 'invalid-request' }));
  });
});

describe('private mining (the attack lab)', () => {
  it('withholds blocks, keeps its own chain while the public one grows, and wins everywhere once released', async () => {
    const [eve, bob, cy] = await network(['Eve', 'Bob', 'Cy']);
    const publicStart = eve!.node.chain().length;
    eve!.node.setPrivateMining(true);
    // Bob mines a public block with a payment in it; Eve's node sees it and keeps mining her own.
    await bob!.node.submitTransaction({ sender: 'eve', recipient: 'bob', amount: 5n });
    await until('the payment pending at Eve', () => eve!.node.pending().length === 1);
    await bob!.node.mine();
    await until('Bob’s block at Cy', () => tip(cy!) === tip(bob!));
    for (let i = 0; i < 3; i++) await eve!.node.mine();
    const lab = eve!.node.status().lab;
    expect(lab).toMatchObject({ privateMining: true, withheld: 3 });
    expect(lab.publicHeight).toBeGreaterThanOrEqual(publicStart + 1);
    // Withheld: not on Bob's chain, not in Eve's /chain, and her private blocks leave the payment out.
    expect(bob!.node.chain().length).toBe(publicStart + 1);
    expect(JSON.parse(eve!.node.chainJson()).length).toBe(publicStart);
    expect(
      eve!.node
        .chain()
        .slice(publicStart)
        .some((blk) => blk.text.includes('"recipient": "bob"')),
    ).toBe(false);

    // The spectator page shows the public chain too.
    const spectated = spectatorView(eve!.node, new MinedBlocks(() => null));
    expect(spectated.view).toMatchObject({ height: publicStart });
    expect(spectated.view.nodes[0]).toMatchObject({ self: true, height: publicStart, privateMining: true });
    expect(Math.max(...spectated.forks.blocks.filter((b) => b.main).map((b) => b.index))).toBe(publicStart);

    eve!.node.setPrivateMining(false);
    const eveTip = tip(eve!);
    await until('Eve’s chain everywhere', () => tip(bob!) === eveTip && tip(cy!) === eveTip);
    // Bob's block went stale: the fork tree shows the reorg and the payment back in the pool.
    const tree = bob!.node.forkTree(30);
    expect(tree.reorgs[0]).toMatchObject({
      forkIndex: publicStart,
      oldLength: publicStart + 1,
      newLength: publicStart + 3,
    });
    expect(tree.reorgs[0]!.restored.some((tx) => tx.text.includes('"recipient": "bob"'))).toBe(true);
    expect(tree.blocks.some((b) => !b.main && b.block.index === publicStart + 1)).toBe(true);
    expect(bob!.node.pending().some((tx) => tx.text.includes('"recipient": "bob"'))).toBe(true);
  });
});

describe('the tamper lab', () => {
  it('shows what an edit breaks on a copy, and each peer rejects the copy with the block and the rule', async () => {
    const [a, b, c] = await network(['Ana', 'Bo', 'Cy']);
    await a!.node.submitTransaction({ sender: 'ana', recipient: 'bo', amount: 3n });
    for (let i = 0; i < 3; i++) await a!.node.mine();
    await until('the chain everywhere', () => tip(b!) === tip(a!) && tip(c!) === tip(a!));
    const before = a!.node.chainJson();

    const edit = {
      index: 2,
      kind: 'transaction' as const,
      transaction: 0,
      field: 'amount' as const,
      value: '3000',
    };
    const preview = await a!.node.tamper(edit);
    expect(preview.checks[0]).toMatchObject({ index: 2, linkOk: true, proofOk: true });
    expect(preview.checks[0]!.hashAfter).not.toBe(preview.checks[0]!.hashBefore);
    expect(preview.checks[1]).toMatchObject({ index: 3, linkOk: false });
    expect(preview.firstBroken).toMatchObject({ index: 3, reason: { code: 'block-link' } });

    const sent = await a!.node.tamperSend(edit);
    expect(sent.verdicts).toHaveLength(2);
    for (const v of sent.verdicts)
      expect(v).toMatchObject({ verdict: 'rejected', block: 3, reason: { code: 'block-link' } });
    expect(sent.verdicts.map((v) => v.name).sort()).toEqual(['Bo', 'Cy']);

    // Re-mined, the copy is valid again but not longer: peers keep their chain.
    const remined = await a!.node.tamperSend({ ...edit, remine: true });
    expect(remined.outcome.firstBroken).toBeNull();
    for (const v of remined.verdicts)
      expect(v).toMatchObject({ verdict: 'not-longer', reason: { code: 'peer-not-longer' } });
    // Nobody's chain changed, ours included.
    expect(a!.node.chainJson()).toBe(before);
    expect(tip(b!)).toBe(tip(a!));
  });
});

describe('lab checks from peers', () => {
  it('reads at most two lab chains at once: the next is refused before its body is read', async () => {
    const a = await start('Ana');
    // Two peers start sending 10 MB lab chains and stall: both hold a slot.
    const stalled = [0, 1].map(
      () =>
        new Promise<Socket>((resolve) => {
          const socket = connect(a.port(), '127.0.0.1', () => {
            socket.write(
              'POST /blockparty/lab/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
                'Content-Length: 10000000\r\n\r\n{"chain": [',
              () => resolve(socket),
            );
          });
        }),
    );
    const sockets = await Promise.all(stalled);
    cleanups.push(() => sockets.forEach((s) => s.destroy()));
    let third: Response | null = null;
    const deadline = Date.now() + 5000;
    // The stalled requests reach the server in their own time: ask until the refusal comes.
    while (Date.now() < deadline) {
      third = await fetch(`http://${addressOf(a)}/blockparty/lab/check`, {
        method: 'POST',
        body: '{"chain": []}',
      });
      if (third.status === 503) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(third?.status).toBe(503);
    expect(((await third!.json()) as { error: string }).error).toBe('busy');
    // Once they go, checks are taken again.
    sockets.forEach((s) => s.destroy());
    let answer: Response | null = null;
    while (Date.now() < deadline + 5000) {
      answer = await fetch(`http://${addressOf(a)}/blockparty/lab/check`, {
        method: 'POST',
        body: '{"chain": []}',
      });
      if (answer.status !== 503) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(answer?.status).toBe(200);
    expect(await answer!.json()).toMatchObject({ verdict: 'rejected' });
  });
});

describe('blocks in flight', () => {
  it('the origin collects every hop of its block, timed; another node gets the path from the origin', async () => {
    const nodes = await network(['Ana', 'Bo', 'Cy', 'Di']);
    const [a, , , d] = nodes;
    const block = (await a!.node.mine()).block;
    await until('the block everywhere', () => nodes.every((n) => tip(n) === block.hash));
    const ids = new Set(nodes.slice(1).map((n) => n.node.id));
    await until('every hop at the origin', () => {
      const f = a!.node.flight(block.hash);
      return (
        f !== null && ids.size === new Set(f.hops.map((h) => h.to)).size && f.hops.every((h) => ids.has(h.to))
      );
    });
    const [flight] = await a!.node.flights(1);
    expect(flight).toMatchObject({ hash: block.hash, origin: a!.node.id });
    expect(flight!.hops.every((h) => h.via === 'push' && typeof h.ms === 'number')).toBe(true);
    const [seenFromD] = await d!.node.flights(1);
    expect(new Set(seenFromD!.hops.map((h) => h.to))).toEqual(ids);
  });
});

describe('join codes', () => {
  it('a fresh node joins the network a code names', async () => {
    const a = await start('Ana');
    await a.node.mine();
    const b = await start('Bo');
    const code = encodeJoinCode('127.0.0.1', a.port(), a.node.status().genesisHash.slice(0, 16))!;
    const joined = await b.node.joinByCode(code, false);
    expect(joined).toMatchObject({ address: addressOf(a), blocks: 2 });
    expect(b.node.chain().map((blk) => blk.hash)).toEqual(a.node.chain().map((blk) => blk.hash));
  });

  it('refuses a code of another network, a node that is not there, and a malformed code', async () => {
    const a = await start('Ana');
    const b = await start('Bo');
    // The same address with another network's bits (the first hex digit flipped).
    const genesis = a.node.status().genesisHash;
    const other = (15 - Number.parseInt(genesis[0]!, 16)).toString(16) + genesis.slice(1, 16);
    const wrong = encodeJoinCode('127.0.0.1', a.port(), other)!;
    await expect(b.node.joinByCode(wrong, false)).rejects.toMatchObject({
      detail: { code: 'join-code-other-network' },
    });
    const nobody = encodeJoinCode('127.0.0.1', 1, a.node.status().genesisHash)!;
    await expect(b.node.joinByCode(nobody, false)).rejects.toMatchObject({
      detail: { code: 'join-code-no-answer' },
    });
    await expect(b.node.joinByCode('ZZ!', false)).rejects.toMatchObject({
      code: 'invalid-request',
      field: 'code',
    });
  });

  it('a node on loopback only has no code, and says why', async () => {
    const a = await start('Ana');
    expect(a.node.joinCode()).toMatchObject({ code: null, reason: { code: 'join-code-loopback' } });
  });
});

describe('diagnostics', () => {
  it('names a VPN, a name nobody has seen, and a node that answers', async () => {
    const [a, b] = await network(['Ana', 'Bo']);
    const interfaces = [
      { name: 'wlan0', address: '192.168.1.20', family: 'IPv4' as const, internal: false },
      { name: 'wg0', address: '10.8.0.2', family: 'IPv4' as const, internal: false },
    ];
    const unknown = await diagnose(a!.node, 'Zed', interfaces);
    const byId = (id: string) => unknown.checks.find((c) => c.id === id);
    expect(byId('vpn')).toMatchObject({
      status: 'warn',
      detail: { code: 'diag-vpn-on', params: { interfaces: 'wg0' } },
    });
    expect(byId('listening')).toMatchObject({ status: 'fail', detail: { code: 'diag-listening-loopback' } });
    expect(byId('target')).toMatchObject({ status: 'warn', detail: { code: 'diag-target-unknown' } });
    const bo = await diagnose(a!.node, 'bo', interfaces);
    expect(bo.checks.find((c) => c.id === 'target')).toMatchObject({
      status: 'ok',
      detail: { code: 'diag-target-ok', params: { name: 'Bo', address: addressOf(b!) } },
    });
    const dead = await diagnose(a!.node, '127.0.0.1:1', interfaces);
    expect(dead.checks.find((c) => c.id === 'target')).toMatchObject({
      status: 'fail',
      detail: { code: 'diag-target-silent' },
    });
  });
});

describe('the spectator route', () => {
  it('serves the network view without a token, and the page with its CSP when it is built', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    mkdirSync(join(dir.dir, 'assets'));
    writeFileSync(join(dir.dir, 'spectator.html'), '<!doctype html><script src="./assets/s.js"></script>');
    writeFileSync(join(dir.dir, 'assets', 's.js'), 'console.log(1)');
    writeFileSync(join(dir.dir, 'index.html'), 'the dashboard');
    const a = await start('Ana', {}, (app, node) => registerSpectator(app, node, dir.dir));
    const base = `http://${addressOf(a)}`;
    const view = (await (await fetch(`${base}/blockparty/view`)).json()) as SpectatorDto;
    expect(view.view.nodes[0]).toMatchObject({ self: true, name: 'Ana' });
    expect(view.forks.blocks.length).toBeGreaterThanOrEqual(1);
    const page = await fetch(`${base}/spectate/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('./assets/s.js');
    expect((await fetch(`${base}/spectate/assets/s.js`)).status).toBe(200);
    // Only the spectator page: the dashboard's entry is not served on the peer port.
    expect((await fetch(`${base}/spectate/index.html`)).status).toBe(404);
  });

  it('says so when the page is not built', async () => {
    const a = await start('Ana', {}, (app, node) => registerSpectator(app, node, null));
    const page = await fetch(`http://${addressOf(a)}/spectate/`);
    expect(page.status).toBe(404);
    expect(((await page.json()) as { message: string }).message).toContain('spectator page is not built');
  });
});
