// LAN test: the switch drops every multicast frame (mDNS cannot work), and 8 laptops still form one
// network once each is given one address by hand, the same one (a teacher's on the board): peer
// exchange teaches them the rest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

const NODES = 8;
/** How long discovery had to find a neighbour in lan-network.test.ts (about 3 s), with a margin. */
const DISCOVERY_WINDOW_MS = 5_000;

describe('multicast blocked at the switch', { timeout: 120_000 }, () => {
  let lab: Lab;
  let gateway: Gateway;
  let nodes: LanNode[];
  let cleanup: () => void = () => undefined;

  beforeAll(async () => {
    lab = await createLab({ nodes: NODES });
    await lab.nomcast(true);
    const made = labDir();
    cleanup = made.cleanup;
    gateway = await openGateway(made.dir);
    nodes = await startLanNodes(lab, gateway, made.dir, NODES, { difficulty: 3 });
  }, 120_000);

  afterAll(async () => {
    await Promise.all((nodes ?? []).map((n) => n.kill()));
    await gateway?.close();
    await lab?.destroy();
    cleanup();
  });

  it('nobody finds anybody by discovery, though discovery runs on every laptop', async () => {
    const deadline = Date.now() + 15_000;
    await waitUntil(
      'discovery listening on eth0 in every node',
      async (note) => {
        const logs = nodes.map((n) => readFileSync(join(n.dataDir, 'node.log'), 'utf8'));
        const on = logs.map((l) => /discovery: listening on eth0/.test(l));
        note(on.join(','));
        return on.every(Boolean) ? true : undefined;
      },
      deadline,
    );
    // An absence can only be seen over a bounded wait: the time discovery takes when multicast passes.
    await new Promise((done) => setTimeout(done, DISCOVERY_WINDOW_MS));
    for (const n of nodes) expect(await n.peers(), `laptop ${n.k} found a peer`).toEqual([]);
  });

  it('given one address each (laptop 0’s), all 8 form one network: every node lists every other', async () => {
    const host = nodes[0]!;
    for (const n of nodes.slice(1)) {
      const res = await n.post('/nodes/register', { nodes: [`http://${host.address}`] });
      expect(res.status, res.body).toBe(201);
    }
    const deadline = Date.now() + 30_000;
    await waitUntil(
      'every node listing the 7 others online',
      async (note) => {
        const missing: string[] = [];
        await Promise.all(
          nodes.map(async (n) => {
            const online = new Set((await n.peers()).filter((p) => p.status === 'online').map((p) => p.id));
            for (const o of nodes) if (o !== n && !online.has(o.id)) missing.push(`${n.k}→${o.k}`);
          }),
        );
        note(missing.join(' '));
        return missing.length === 0 ? true : undefined;
      },
      deadline,
    );
    await waitUntil(
      'one genesis everywhere',
      async (note) => {
        const g = await Promise.all(nodes.map(async (n) => (await n.info()).genesis_hash));
        note(g.map((h) => h.slice(0, 8)).join(' '));
        return new Set(g).size === 1 ? true : undefined;
      },
      deadline,
    );
  });

  it('a block mined on a laptop that was never given its peers reaches all the others', async () => {
    const index = await nodes[6]!.mine();
    await waitUntil(
      `block ${index} on every node`,
      async (note) => {
        const infos = await Promise.all(nodes.map((n) => n.info()));
        note(infos.map((i) => i.length).join(','));
        return infos.every((i) => i.length === index && i.last_hash === infos[0]!.last_hash)
          ? true
          : undefined;
      },
      Date.now() + 15_000,
    );
  });
});
