// LAN test of the live network: 8 headless nodes on 8 namespaced laptops joined by a bridge, started
// with no address at all. They find each other, blocks and transactions spread by themselves, a node
// killed and restarted catches up incrementally, and a partition heals into one chain and one pool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab } from '../helpers/netns.ts';
import type { Lab } from '../helpers/netns.ts';
import {
  labDir,
  openGateway,
  startLanNodes,
  waitUntil,
  type Gateway,
  type LanNode,
} from '../helpers/lan-nodes.ts';
import {
  answerBytesFromPeers,
  countAnswerBytes,
  expectOnePool,
  minedTexts,
  txKey as txText,
  type Tx,
} from './support.ts';

const NODES = 8;
const DIFFICULTY = 3;

// Deadlines inside each test come first, so that a failure names what was awaited.
describe('a live network of 8 laptops started with no address', { timeout: 150_000 }, () => {
  let lab: Lab;
  let gateway: Gateway;
  let nodes: LanNode[];
  let cleanup: () => void = () => undefined;
  let run = 0;
  const tx = (who: string, amount = 1): Tx => ({
    sender: `${who}-${++run}`,
    recipient: 'bob',
    amount,
  });

  /** Waits until every node in `group` has the same tip, at least `length` long; returns it. */
  const sameTip = (
    group: readonly LanNode[],
    length: number,
    deadline: number,
  ): Promise<{ length: number; hash: string }> =>
    waitUntil(
      `the same tip (length ≥ ${length}) on laptops ${group.map((n) => n.k).join(',')}`,
      async (note) => {
        const infos = await Promise.all(group.map((n) => n.info()));
        note(infos.map((i) => `${i.length}:${i.last_hash.slice(0, 6)}`).join(' '));
        const first = infos[0]!;
        return infos.every((i) => i.last_hash === first.last_hash) && first.length >= length
          ? { length: first.length, hash: first.last_hash }
          : undefined;
      },
      deadline,
      100,
    );

  /** Waits until each node in `group` lists every node in `targets` with `status`. */
  const listed = (
    group: readonly LanNode[],
    targets: readonly LanNode[],
    status: 'online' | 'offline',
    deadline: number,
  ): Promise<true> =>
    waitUntil(
      `laptops ${group.map((n) => n.k).join(',')} listing ${targets.map((n) => n.k).join(',')} ${status}`,
      async (note) => {
        const missing: string[] = [];
        await Promise.all(
          group.map(async (n) => {
            const peers = await n.peers();
            for (const t of targets) {
              if (t === n) continue;
              const entries = peers.filter((p) => p.id === t.id);
              const ok =
                status === 'online'
                  ? entries.some((p) => p.status === 'online')
                  : entries.length > 0 && entries.every((p) => p.status === 'offline');
              if (!ok) missing.push(`${n.k}→${t.k}`);
            }
          }),
        );
        note(`not yet: ${missing.join(' ')}`);
        return missing.length === 0 ? true : undefined;
      },
      deadline,
      100,
    );

  /** Waits until every node in `group` holds each of `txs` pending. */
  const pendingOn = (group: readonly LanNode[], txs: readonly Tx[], deadline: number): Promise<true> => {
    const keys = txs.map((t) => txText(t));
    return waitUntil(
      `${txs.length} transactions pending on laptops ${group.map((n) => n.k).join(',')}`,
      async (note) => {
        const pools = await Promise.all(group.map((n) => n.pending()));
        const have = pools.map((p) => {
          const held = new Set(p.map((x) => txText(x.transaction)));
          return keys.filter((key) => held.has(key)).length;
        });
        note(have.join(','));
        return have.every((h) => h === keys.length) ? true : undefined;
      },
      deadline,
    );
  };

  beforeAll(async () => {
    lab = await createLab({ nodes: NODES });
    const made = labDir();
    cleanup = made.cleanup;
    gateway = await openGateway(made.dir);
    nodes = await startLanNodes(lab, gateway, made.dir, NODES, { difficulty: DIFFICULTY });
  }, 120_000);

  afterAll(async () => {
    await Promise.all((nodes ?? []).map((n) => n.kill()));
    await gateway?.close();
    await lab?.destroy();
    cleanup();
  });

  it('every node finds the 7 others by itself, and all end on one network', async () => {
    // Each node printed no peer at start: nobody was given an address.
    for (const n of nodes) expect(n.output()).toMatch(/chain: 1 blocks, 0 pending transactions, 0 peers/);
    const since = Date.now();
    const deadline = since + 20_000;
    await listed(nodes, nodes, 'online', deadline);
    process.stderr.write(
      `  discovery: every node lists the 7 others ${Date.now() - since} ms after all serve\n`,
    );
    const genesis = await waitUntil(
      'one genesis on every node',
      async (note) => {
        const hashes = await Promise.all(nodes.map(async (n) => (await n.info()).genesis_hash));
        note(hashes.map((h) => h.slice(0, 8)).join(' '));
        return new Set(hashes).size === 1 ? hashes[0] : undefined;
      },
      deadline,
    );
    // The network chosen is one of the nodes' own genesis blocks.
    const chains = await Promise.all(nodes.map((n) => n.chain()));
    for (const c of chains) expect(c.length).toBe(1);
    expect(genesis).toMatch(/^[0-9a-f]{64}$/);
    // Every node knows each other one by its id, as a Blockparty node of the same network.
    for (const n of nodes) {
      const peers = await n.peers();
      for (const other of nodes.filter((o) => o !== n)) {
        expect(peers.find((p) => p.id === other.id && p.status === 'online')).toMatchObject({
          kind: 'blockparty',
          address: other.address,
        });
      }
    }
  });

  it('a block mined on one node reaches all the others', async () => {
    const index = await nodes[2]!.mine();
    const tip = await sameTip(nodes, index, Date.now() + 15_000);
    expect(tip.length).toBe(index);
    const mined = await nodes[2]!.chain();
    for (const n of nodes) {
      const chain = await n.chain();
      expect(chain.chain[index - 1]).toEqual(mined.chain[index - 1]);
    }
  });

  it('a transaction posted to one node is pending on all, and mined exactly once', async () => {
    const t = tx('alice', 5);
    await nodes[4]!.submit(t);
    const text = txText(t);
    const id = await waitUntil(
      'the transaction pending on every node',
      async (note) => {
        const pools = await Promise.all(nodes.map((n) => n.pending()));
        const ids = pools.map((p) => p.filter((x) => txText(x.transaction) === text).map((x) => x.id));
        note(ids.map((i) => i.length).join(','));
        return ids.every((i) => i.length === 1 && i[0] === ids[0]![0]) ? ids[0]![0] : undefined;
      },
      Date.now() + 15_000,
    );
    expect(id).toMatch(/^[0-9a-f]{32}$/);

    const index = await nodes[6]!.mine();
    await sameTip(nodes, index, Date.now() + 15_000);
    // A second block, mined elsewhere, must not take it again.
    const again = await nodes[1]!.mine();
    await sameTip(nodes, again, Date.now() + 15_000);
    for (const n of nodes) {
      const chain = await n.chain();
      expect(minedTexts(chain.chain).filter((x) => x === text)).toHaveLength(1);
      expect(minedTexts([chain.chain[index - 1]!])).toContain(text);
      expect((await n.pending()).filter((x) => txText(x.transaction) === text)).toEqual([]);
    }
  });

  it('a node killed with SIGKILL is marked offline; restarted, it is listed again and syncs only what it missed', async () => {
    // A heavy chain first: one block of 1,500 transactions, so that a whole chain weighs far more
    // than the few blocks the restarted node misses.
    const heavy = Array.from({ length: 1500 }, () => tx('heavy'));
    for (let i = 0; i < heavy.length; i += 25)
      await Promise.all(heavy.slice(i, i + 25).map((t) => nodes[1]!.submit(t)));
    await pendingOn(nodes, heavy, Date.now() + 30_000);
    const heavyIndex = await nodes[1]!.mine();
    await sameTip(nodes, heavyIndex, Date.now() + 15_000);
    const victim = nodes[7]!;
    const others = nodes.slice(0, 7);

    await victim.kill();
    const killedAt = Date.now();
    await listed(others, [victim], 'offline', killedAt + 12_000);
    const offlineAfter = Date.now() - killedAt;

    // The others go on without it: two blocks and a transaction it does not hear of.
    await nodes[0]!.mine();
    const missed = tx('while-away');
    await nodes[3]!.submit(missed);
    await pendingOn([nodes[5]!], [missed], Date.now() + 15_000);
    const last = await nodes[5]!.mine();
    const tip = await sameTip(others, last, Date.now() + 15_000);
    const whole = (await nodes[0]!.get('/chain')).body.length;

    const counter = await countAnswerBytes(lab, victim.k);
    await victim.restart();
    const restartedAt = Date.now();
    await listed(others, [victim], 'online', restartedAt + 5_000);
    const listedAfter = Date.now() - restartedAt;
    await sameTip(nodes, tip.length, Date.now() + 15_000);
    const received = await answerBytesFromPeers(lab, victim.k, counter);

    const chain = await victim.chain();
    expect(chain.length).toBe(tip.length);
    expect(chain).toEqual(JSON.parse((await nodes[2]!.get('/chain')).body));
    // Incremental: everything the peers answered it during the catch-up (hellos, heartbeats and the
    // sync) is far less than one copy of the chain it would have fetched with GET /chain.
    expect(received, `answers received ${received} B, a whole chain is ${whole} B`).toBeLessThan(whole / 3);
    // It really fetched the missing blocks: the transaction mined while it was away is in its chain.
    expect(minedTexts(chain.chain)).toContain(txText(missed));
    process.stderr.write(
      `  kill/restart: offline on all after ${offlineAfter} ms, listed again after ${listedAfter} ms, ` +
        `answers during catch-up ${received} B vs a whole chain ${whole} B\n`,
    );
  });

  it('a partition mining on both sides, healed, converges to the longer chain with one pool', async () => {
    const sideA = nodes.slice(0, 5);
    const sideB = nodes.slice(5);
    await listed(nodes, nodes, 'online', Date.now() + 20_000);
    const start = await sameTip(nodes, 1, Date.now() + 15_000);
    await lab.partition(
      sideA.map((n) => n.k),
      sideB.map((n) => n.k),
    );
    // A long partition: each side has given the other up before mining (the harder case: nothing
    // is pushed across any more, and healing relies on the heartbeat finding the others again).
    await listed(sideA, sideB, 'offline', Date.now() + 20_000);
    await listed(sideB, sideA, 'offline', Date.now() + 20_000);
    const posted: Tx[] = [];
    const post = async (n: LanNode, t: Tx): Promise<void> => {
      await n.submit(t);
      posted.push(t);
    };
    // Side A: three blocks, with transactions before and after. Side B: one block, and a
    // transaction after it that stays pending.
    await post(sideA[0]!, tx('a-mined-1'));
    await post(sideB[0]!, tx('b-mined-1'));
    await post(sideB[1]!, tx('b-mined-2'));
    await pendingOn(sideA, posted.slice(0, 1), Date.now() + 15_000);
    await pendingOn(sideB, posted.slice(1, 3), Date.now() + 15_000);
    const a1 = await sideA[1]!.mine();
    await sameTip(sideA, a1, Date.now() + 20_000);
    const b1 = await sideB[2]!.mine();
    await sameTip(sideB, b1, Date.now() + 20_000);
    await post(sideA[2]!, tx('a-pending-1'));
    await post(sideB[0]!, tx('b-pending-1'));
    const a2 = await sideA[3]!.mine();
    await sameTip(sideA, a2, Date.now() + 20_000);
    await post(sideA[4]!, tx('a-pending-2'));
    const a3 = await sideA[0]!.mine();
    const longer = await sameTip(sideA, a3, Date.now() + 20_000);
    const shorter = await sameTip(sideB, b1, Date.now() + 20_000);
    expect(longer.length).toBe(start.length + 3);
    expect(shorter.length).toBe(start.length + 1);
    expect(shorter.hash).not.toBe(longer.hash);

    await lab.heal();
    const healedAt = Date.now();
    await sameTip(nodes, longer.length, healedAt + 45_000);
    const final = await sameTip(nodes, longer.length, Date.now());
    expect(final.hash).toBe(longer.hash);
    // One pool everywhere: every transaction posted is mined or pending, once, on every node.
    await waitUntil(
      'one pool on every node',
      async (note) => {
        const pools = await Promise.all(nodes.map((n) => n.pending()));
        note(
          pools
            .map(
              (p, k) =>
                `${k}:[${p.map((x) => `${String(x.transaction['sender'])}/${x.id.slice(0, 4)}`).join(' ')}]`,
            )
            .join(' '),
        );
        const first = JSON.stringify(pools[0]!.map((p) => p.id).sort());
        return pools.every((p) => JSON.stringify(p.map((x) => x.id).sort()) === first) ? true : undefined;
      },
      Date.now() + 30_000,
    );
    for (const n of nodes) await expectOnePool(n, posted);
    process.stderr.write(`  partition: one chain and one pool ${Date.now() - healedAt} ms after healing\n`);
  });
});
