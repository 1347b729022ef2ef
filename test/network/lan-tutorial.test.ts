// LAN test: a tutorial node (the tutorial's code over the standard library) on a ninth laptop of a
// live network of 8 Blockparty nodes. Registered with two of ours (and ours with it), it is followed:
// its longer chain becomes the network's, and a transaction made on our node is posted to it once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab } from '../helpers/netns.ts';
import type { Lab } from '../helpers/netns.ts';
import {
  labDir,
  openGateway,
  startLanNodes,
  startLanTutorial,
  waitUntil,
  type Gateway,
  type LanNode,
  type LanTutorial,
} from '../helpers/lan-nodes.ts';
import { minedTexts, txKey } from './support.ts';

const NODES = 8;
/** The tutorial's proof of work: four leading zeros. */
const TUTORIAL_DIFFICULTY = 4;

describe('a tutorial node in a live network of 8', { timeout: 150_000 }, () => {
  let lab: Lab;
  let gateway: Gateway;
  let nodes: LanNode[];
  let tutorial: LanTutorial;
  let cleanup: () => void = () => undefined;

  const tutorialChain = async (): Promise<{ chain: Record<string, unknown>[]; length: number }> => {
    const res = await tutorial.get('/chain');
    expect(res.status).toBe(200);
    return JSON.parse(res.body) as { chain: Record<string, unknown>[]; length: number };
  };

  beforeAll(async () => {
    lab = await createLab({ nodes: NODES + 1 });
    const made = labDir();
    cleanup = made.cleanup;
    gateway = await openGateway(made.dir);
    [nodes, tutorial] = await Promise.all([
      startLanNodes(lab, gateway, made.dir, NODES, { difficulty: TUTORIAL_DIFFICULTY }),
      startLanTutorial(lab, gateway, NODES),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all((nodes ?? []).map((n) => n.kill()));
    await tutorial?.stop();
    await gateway?.close();
    await lab?.destroy();
    cleanup();
  });

  it('our network follows the longer chain of a tutorial node, and posts it our transaction once', async () => {
    let deadline = Date.now() + 30_000;
    // Our 8 nodes form their network and mine two blocks.
    await waitUntil(
      'one network of 8',
      async (note) => {
        const infos = await Promise.all(nodes.map((n) => n.info()));
        const online = await Promise.all(
          nodes.map(async (n) => (await n.peers()).filter((p) => p.status === 'online').length),
        );
        note(`${online.join(',')} ${infos.map((i) => i.genesis_hash.slice(0, 6)).join(' ')}`);
        return online.every((c) => c >= NODES - 1) && new Set(infos.map((i) => i.genesis_hash)).size === 1
          ? true
          : undefined;
      },
      deadline,
    );
    await nodes[0]!.mine();
    const ours = await nodes[3]!.mine();
    await waitUntil(
      `block ${ours} everywhere`,
      async () =>
        (await Promise.all(nodes.map((n) => n.info()))).every((i) => i.length === ours) ? true : undefined,
      deadline,
    );

    // The tutorial's manual flow both ways: it registers two of ours, two of ours register it.
    const register = await tutorial.post('/nodes/register', {
      nodes: [`http://${nodes[0]!.address}`, `http://${nodes[5]!.address}`],
    });
    expect(register.status).toBe(201);
    for (const n of [nodes[0]!, nodes[5]!]) {
      const res = await n.post('/nodes/register', { nodes: [`http://${tutorial.address}`] });
      expect(res.status, res.body).toBe(201);
    }
    const resolved = await tutorial.get('/nodes/resolve');
    expect(JSON.parse(resolved.body)).toMatchObject({ message: 'Our chain was replaced' });
    expect((await tutorialChain()).length).toBe(ours);
    await waitUntil(
      'the tutorial node known to laptops 0 and 5 as an online tutorial node of our network',
      async (note) => {
        const seen = await Promise.all(
          [nodes[0]!, nodes[5]!].map(async (n) =>
            (await n.peers()).find((p) => p.address === tutorial.address),
          ),
        );
        note(JSON.stringify(seen));
        return seen.every((p) => p?.kind === 'tutorial' && p.status === 'online' && p.length === ours)
          ? true
          : undefined;
      },
      deadline,
    );

    // A transaction made on laptop 0: relayed to our nodes, and posted to the tutorial node.
    const tx = { sender: 'carol', recipient: 'dave', amount: 3 };
    await nodes[0]!.submit(tx);
    const posted = (): string[] =>
      tutorial.requests.filter((r) => r.startsWith('POST /transactions/new ') && r.includes('"carol"'));
    await waitUntil(
      'the transaction posted to the tutorial node',
      async () => (posted().length > 0 ? true : undefined),
      deadline,
    );
    await waitUntil(
      'the transaction pending on our 8',
      async () =>
        (await Promise.all(nodes.map((n) => n.pending()))).every((p) =>
          p.some((x) => txKey(x.transaction) === txKey(tx)),
        )
          ? true
          : undefined,
      deadline,
    );

    // The tutorial node mines twice: its chain is longer, and holds our transaction.
    const mined = await tutorial.get('/mine');
    expect(mined.status).toBe(200);
    expect(JSON.parse(mined.body).transactions).toContainEqual(tx);
    expect((await tutorial.get('/mine')).status).toBe(200);
    const theirs = await tutorialChain();
    expect(theirs.length).toBe(ours + 2);

    // Our network follows it: every node's chain is the tutorial node's, block for block.
    deadline = Date.now() + 40_000;
    await waitUntil(
      `the tutorial node's ${theirs.length} blocks on every node`,
      async (note) => {
        const infos = await Promise.all(nodes.map((n) => n.info()));
        note(infos.map((i) => i.length).join(','));
        return infos.every((i) => i.length === theirs.length) ? true : undefined;
      },
      deadline,
    );
    for (const n of nodes) {
      const chain = await n.chain();
      expect(chain.chain).toEqual(theirs.chain);
      // Mined once (in the tutorial's block), pending nowhere.
      expect(minedTexts(chain.chain).filter((k) => k === txKey(tx))).toHaveLength(1);
      expect((await n.pending()).filter((x) => txKey(x.transaction) === txKey(tx))).toEqual([]);
    }
    // Posted once: only the node it was made on posts it (laptop 5 knows the tutorial node too), and
    // only once, though the network's chain changed and it was mined meanwhile.
    expect(posted()).toHaveLength(1);
    // Nothing of the live network's relay reached it: no block pushes, relayed transactions or syncs.
    expect(tutorial.requests.filter((r) => /\/blockparty\/(blocks|transactions|sync)/.test(r))).toEqual([]);
  });
});
