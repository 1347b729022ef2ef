// Discovery without a network: pure checks, then real sockets over loopback multicast on a private
// port (injected interfaces), so nothing leaves this machine and no other mDNS software is heard.
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import multicastDns from 'multicast-dns';
import type { MdnsPacket, MulticastDns } from 'multicast-dns';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAdvert, cleanName, encodeTxt, NAME_MAX, parseTxt } from '../../src-main/discovery/advert.ts';
import type { DiscoveryAdvert } from '../../src-main/discovery/advert.ts';
import { createDiscovery } from '../../src-main/discovery/index.ts';
import type { DiscoveredNode, Discovery, InterfaceMap, LostNode } from '../../src-main/discovery/index.ts';
import { dialable, onSubnet, parseIpv4, usableInterfaces } from '../../src-main/discovery/interfaces.ts';
import {
  advertPacket,
  goodbyePacket,
  instanceName,
  queryWants,
  readResponse,
  SERVICE_TYPE,
} from '../../src-main/discovery/records.ts';

const ID_A = 'a'.repeat(32);
const ID_B = 'b'.repeat(32);

function advert(id: string, extra: Partial<DiscoveryAdvert> = {}): DiscoveryAdvert {
  return {
    id,
    name: `node ${id.slice(0, 4)}`,
    version: '0.1.0',
    network: '0123456789abcdef',
    profile: 'article',
    difficulty: 4,
    height: 1,
    tip: 'fedcba9876543210',
    port: 5000,
    ...extra,
  };
}

const ETH0 = {
  name: 'eth0',
  address: '10.1.2.3',
  subnets: [{ address: '10.1.2.3', netmask: '255.255.255.0' }],
  ipv6: ['2001:db8::3'],
  signature: '',
};

describe('adverts', () => {
  it('names the field to fix in a bad advert of ours', () => {
    const cases: Array<[Partial<DiscoveryAdvert>, string]> = [
      [{ id: 'A'.repeat(32) }, 'id must be 32 lowercase hex'],
      [{ id: 'a'.repeat(31) }, 'id must be'],
      [{ network: 'abc' }, 'network must be 16'],
      [{ tip: 'g'.repeat(16) }, 'tip must be 16'],
      [{ difficulty: 0 }, 'difficulty must be an integer from 1 to 64'],
      [{ height: -1 }, 'height must be a non-negative integer'],
      [{ height: 1.5 }, 'height'],
      [{ port: 70000 }, 'port must be an integer from 1 to 65535'],
      [{ profile: 'Article!' }, 'profile must be'],
      [{ version: '' }, 'version must be'],
    ];
    for (const [bad, message] of cases) {
      expect(() => checkAdvert(advert(ID_A, bad)), JSON.stringify(bad)).toThrow(message);
    }
  });

  it('reads back what it writes', () => {
    const ours = advert(ID_A, { name: 'Ana’s laptop 电脑', height: 123456789 });
    const fields = parseTxt(encodeTxt(ours, '0011aabbccdd'));
    const { port: _port, ...rest } = ours;
    expect(fields).toEqual({ ...rest, boot: '0011aabbccdd' });
  });

  it('refuses TXT records that break a rule, and says which', () => {
    const good = encodeTxt(advert(ID_A), '0011aabbccdd').map((b) => b.toString());
    const without = (key: string, value?: string): Buffer[] =>
      good
        .map((e) => (e.startsWith(`${key}=`) ? (value === undefined ? '' : `${key}=${value}`) : e))
        .filter(Boolean)
        .map((e) => Buffer.from(e));
    expect(parseTxt('id=x')).toMatch(/not a list/);
    expect(parseTxt(without('id'))).toMatch(/id/);
    expect(parseTxt(without('id', 'z'.repeat(32)))).toMatch(/id/);
    expect(parseTxt(without('net', 'abc'))).toMatch(/net/);
    expect(parseTxt(without('tip', '0'.repeat(17)))).toMatch(/tip/);
    expect(parseTxt(without('boot'))).toMatch(/boot/);
    expect(parseTxt(without('diff', '65'))).toMatch(/diff/);
    expect(parseTxt(without('diff', '04'))).toMatch(/diff/);
    expect(parseTxt(without('h', '-1'))).toMatch(/h is/);
    expect(parseTxt(without('h', '99999999999999999'))).toMatch(/h is/);
    expect(parseTxt(without('ver', 'x'.repeat(40)))).toMatch(/ver/);
    expect(parseTxt(without('prof', 'a b'))).toMatch(/prof/);
  });

  it('takes the first of duplicate keys, ignores junk entries, lowercases hex', () => {
    const txt = [
      'not-a-pair',
      '=novalue',
      ...encodeTxt(advert(ID_A, { height: 7 }), 'ABCDEF012345').map((b) => b.toString()),
      'h=8',
    ].map((e) => Buffer.from(e));
    const fields = parseTxt([42, ...txt]);
    expect(fields).toMatchObject({ height: 7, boot: 'abcdef012345' });
  });

  it('cleans names: no control or direction characters, bounded length', () => {
    expect(cleanName('  Ana\u0000\u202e\u0007 laptop\n ')).toBe('Ana laptop');
    expect(Array.from(cleanName('x'.repeat(500)))).toHaveLength(NAME_MAX);
    const wide = cleanName('电'.repeat(NAME_MAX));
    expect(Buffer.byteLength(wide)).toBeLessThanOrEqual(200);
    expect(wide).toBe('电'.repeat(wide.length));
  });
});

describe('records', () => {
  it('reads our own advert packet back, with dialable addresses only', () => {
    const packet = advertPacket(advert(ID_A, { port: 5123 }), '0011aabbccdd', {
      ...ETH0,
      subnets: [...ETH0.subnets, { address: '127.0.0.1', netmask: '255.0.0.0' }],
      ipv6: ['2001:db8::3', 'fe80::1', '::1'],
    });
    const content = readResponse(packet);
    expect(content.refused).toEqual([]);
    expect(content.sightings).toHaveLength(1);
    expect(content.sightings[0]).toMatchObject({
      port: 5123,
      addresses: ['10.1.2.3', '2001:db8::3'],
      fields: { id: ID_A, height: 1, boot: '0011aabbccdd' },
    });
  });

  it('reads a goodbye', () => {
    expect(readResponse(goodbyePacket(advert(ID_A), '0011aabbccdd'))).toEqual({
      sightings: [],
      goodbyes: [ID_A],
      refused: [],
    });
  });

  it('refuses an instance whose SRV is missing or whose TXT names another node', () => {
    const packet = advertPacket(advert(ID_A), '0011aabbccdd', ETH0);
    const noSrv = { ...packet, additionals: packet.additionals!.filter((r) => r.type !== 'SRV') };
    expect(readResponse(noSrv).refused[0]).toMatch(/no SRV or TXT/);
    const other = advertPacket(advert(ID_B), '0011aabbccdd', ETH0);
    const txtB = other.additionals!.find((r) => r.type === 'TXT')!;
    const mixed = {
      ...packet,
      additionals: packet.additionals!.map((r) =>
        r.type === 'TXT' ? { ...txtB, name: instanceName(ID_A) } : r,
      ),
    };
    expect(readResponse(mixed).refused[0]).toMatch(/differs from the instance name/);
  });

  it('bounds the work one packet can cause', () => {
    const one = advertPacket(advert(ID_A), '0011aabbccdd', ETH0);
    const many: MdnsPacket = { answers: Array.from({ length: 500 }, () => one.answers![0]!) };
    many.additionals = one.additionals;
    // 100 records read at most, 16 instances of them.
    expect(readResponse(many).sightings.length).toBe(0);
    const flood: MdnsPacket = { answers: [...Array(20).fill(one.answers![0]), ...one.additionals!] };
    expect(readResponse(flood).sightings.length).toBe(16);
  });

  it('knows what a query asks of us', () => {
    const ask = (name: string, type: string) => queryWants({ questions: [{ name, type }] }, ID_A);
    expect(ask('_blockparty._tcp.local', 'PTR')).toEqual({ advert: true, meta: false, browse: true });
    expect(ask('_BlockParty._tcp.local', 'ANY')).toMatchObject({ advert: true });
    expect(ask(instanceName(ID_A), 'TXT')).toEqual({ advert: true, meta: false, browse: false });
    expect(ask(instanceName(ID_B), 'TXT')).toEqual({ advert: false, meta: false, browse: false });
    expect(ask(`blockparty-${ID_A}.local`, 'A')).toMatchObject({ advert: true });
    expect(ask('_services._dns-sd._udp.local', 'PTR')).toEqual({ advert: false, meta: true, browse: false });
    expect(ask('_http._tcp.local', 'PTR')).toEqual({ advert: false, meta: false, browse: false });
  });
});

describe('interfaces', () => {
  const entry = (address: string, extra: object = {}) => ({
    address,
    netmask: address.includes(':') ? 'ffff:ffff:ffff:ffff::' : '255.255.255.0',
    family: address.includes(':') ? ('IPv6' as const) : ('IPv4' as const),
    mac: '02:00:00:00:00:01',
    internal: false,
    cidr: null,
    ...(address.includes(':') ? { scopeid: 7 } : {}),
    ...extra,
  });

  it('keeps interfaces with a non-loopback IPv4 address', () => {
    const map = {
      lo: [entry('127.0.0.1', { internal: true, netmask: '255.0.0.0' })],
      wlan0: [entry('192.168.1.20'), entry('fe80::1'), entry('2001:db8::20')],
      eth1: [entry('fe80::2')],
      docker0: [entry('172.17.0.1')],
    } as InterfaceMap;
    const usable = usableInterfaces(map);
    expect(usable.map((i) => i.name)).toEqual(['docker0', 'wlan0']);
    expect(usable[1]).toMatchObject({ address: '192.168.1.20', ipv6: ['2001:db8::20'] });
  });

  it('changes the signature when an interface is recreated (a new index)', () => {
    const before = usableInterfaces({ wlan0: [entry('192.168.1.20'), entry('fe80::1')] } as InterfaceMap)[0]!;
    const after = usableInterfaces({
      wlan0: [entry('192.168.1.20'), entry('fe80::1', { scopeid: 9 })],
    } as InterfaceMap)[0]!;
    expect(after.signature).not.toBe(before.signature);
  });

  it('tells which subnet a packet came from, and which addresses are worth dialling', () => {
    expect(onSubnet('10.1.2.200', ETH0)).toBe(true);
    expect(onSubnet('10.1.3.1', ETH0)).toBe(false);
    expect(onSubnet('fe80::1', ETH0)).toBe(false);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('1.2.3.256')).toBe(null);
    expect(parseIpv4('1.2.3')).toBe(null);
    expect(dialable('192.168.1.2')).toBe(true);
    expect(dialable('127.0.0.1')).toBe(false);
    expect(dialable('0.0.0.0')).toBe(false);
    expect(dialable('fe80::1')).toBe(false);
    expect(dialable('::1')).toBe(false);
    expect(dialable('2001:db8::1')).toBe(true);
    expect(dialable('evil.example')).toBe(false);
  });
});

// ---- live, over loopback multicast ----

const LOOPBACK: InterfaceMap = {
  lo: [
    {
      address: '127.0.0.1',
      netmask: '255.0.0.0',
      family: 'IPv4',
      internal: false,
      mac: '00:00:00:00:00:00',
      cidr: '127.0.0.1/8',
    },
  ],
};

/** A port nobody else on this machine uses for mDNS. */
const privatePort = (): number => 20_000 + Math.floor(Math.random() * 30_000);

interface Node {
  discovery: Discovery;
  found: DiscoveredNode[];
  lost: LostNode[];
  logs: string[];
}

const running: Array<{ stop: () => Promise<void> | void }> = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

function startNode(
  port: number,
  ours: DiscoveryAdvert,
  extra: { interfaces?: () => InterfaceMap; requeryMs?: number; pollMs?: number; onFound?: () => void } = {},
): Node {
  const node: Node = { discovery: undefined as unknown as Discovery, found: [], lost: [], logs: [] };
  node.discovery = createDiscovery({
    advert: ours,
    mdnsPort: port,
    interfaces: extra.interfaces ?? (() => LOOPBACK),
    requeryMs: extra.requeryMs ?? 1000,
    pollMs: extra.pollMs ?? 100,
    onFound: (f) => {
      node.found.push(f);
      extra.onFound?.();
    },
    onLost: (l) => node.lost.push(l),
    log: (line) => node.logs.push(line),
  });
  node.discovery.start();
  running.push(node.discovery);
  return node;
}

/** Polls a condition until a deadline (the condition is the synchronisation, not the delay). */
async function until(what: string, test: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A bare mDNS socket on loopback, to send crafted packets and watch what discovery sends. */
function rawMdns(
  port: number,
  bind = '0.0.0.0',
): { mdns: MulticastDns; responses: Array<{ packet: MdnsPacket; at: number }> } {
  const mdns = multicastDns({ port, interface: '127.0.0.1', bind, loopback: true });
  mdns.on('error', () => undefined);
  mdns.on('warning', () => undefined);
  const responses: Array<{ packet: MdnsPacket; at: number }> = [];
  mdns.on('response', (packet: MdnsPacket, rinfo: RemoteInfo) => {
    if (rinfo.port === port) responses.push({ packet, at: Date.now() });
  });
  running.push({ stop: () => new Promise<void>((done) => mdns.destroy(() => done())) });
  return { mdns, responses };
}

const heightIn = (packet: MdnsPacket, id: string): number | undefined => {
  const sighting = readResponse(packet).sightings.find((s) => s.fields.id === id);
  return sighting?.fields.height;
};

describe('discovery over loopback multicast', () => {
  it('two nodes find each other, never themselves, and repeat a sighting about once per round', async () => {
    const port = privatePort();
    const a = startNode(port, advert(ID_A, { port: 5001 }));
    const b = startNode(port, advert(ID_B, { port: 5002 }));
    await until('both found', () => a.found.length > 0 && b.found.length > 0);
    expect(a.found[0]).toMatchObject({
      id: ID_B,
      port: 5002,
      from: '127.0.0.1',
      interface: 'lo',
      addresses: [],
    });
    expect(b.found[0]).toMatchObject({ id: ID_A, port: 5001, from: '127.0.0.1' });
    await until('a repeated sighting', () => a.found.length >= 3);
    expect(a.found.every((f) => f.id === ID_B)).toBe(true);
    // requeryMs 1000: a sighting is repeated at most once per 500 ms.
    for (let i = 1; i < a.found.length; i++) {
      expect(a.found[i]!.seenAt - a.found[i - 1]!.seenAt).toBeGreaterThanOrEqual(500);
    }
  });

  it('coalesces updates: at most one announcement per 2 s, always the newest advert', async () => {
    const port = privatePort();
    const watch = rawMdns(port);
    const a = startNode(port, advert(ID_A), { requeryMs: 60_000 });
    // Nobody else queries, so everything it sends is an announcement: three at start.
    await until('three start announcements', () => watch.responses.length >= 3);
    for (let h = 10; h < 20; h++) a.discovery.update(advert(ID_A, { height: h }));
    await until('the first update', () => watch.responses.some((r) => heightIn(r.packet, ID_A) === 19));
    const first = watch.responses.find((r) => heightIn(r.packet, ID_A) === 19)!;
    for (let h = 20; h < 30; h++) a.discovery.update(advert(ID_A, { height: h }));
    await until('the second update', () => watch.responses.some((r) => heightIn(r.packet, ID_A) === 29));
    const second = watch.responses.find((r) => heightIn(r.packet, ID_A) === 29)!;
    expect(second.at - first.at).toBeGreaterThanOrEqual(1900);
    const heights = new Set(watch.responses.map((r) => heightIn(r.packet, ID_A)));
    expect([...heights].sort()).toEqual([1, 19, 29]);
    expect(() => a.discovery.update(advert(ID_A, { tip: 'nope' }))).toThrow(/tip must be/);
    expect(() => a.discovery.update(advert(ID_B))).toThrow(/cannot change/);
  });

  it('reports a goodbye as lost, and a restart (same id, new boot) at once', async () => {
    const port = privatePort();
    const a = startNode(port, advert(ID_A));
    const b = startNode(port, advert(ID_B));
    await until('a found b', () => a.found.length > 0);
    const bootBefore = a.found[0]!.boot;
    await b.discovery.stop();
    await until('a lost b', () => a.lost.length > 0);
    expect(a.lost[0]).toEqual({ id: ID_B, from: '127.0.0.1', interface: 'lo' });
    const count = a.found.length;
    startNode(port, advert(ID_B));
    await until('a found b again', () => a.found.length > count);
    expect(a.found[count]!.boot).not.toBe(bootBefore);
  });

  it('ignores a goodbye sent from another address than the node spoke from', async () => {
    const port = privatePort();
    const a = startNode(port, advert(ID_A));
    startNode(port, advert(ID_B));
    await until('a found b', () => a.found.length > 0);
    const spoofer = rawMdns(port, '127.0.0.2');
    spoofer.mdns.respond(goodbyePacket(advert(ID_B), '0011aabbccdd'));
    // The spoofer's own announcement afterwards shows its goodbye was processed before it.
    spoofer.mdns.respond(advertPacket(advert('c'.repeat(32)), '0011aabbccdd', { ...ETH0, subnets: [] }));
    await until('the spoofer seen', () => a.found.some((f) => f.id === 'c'.repeat(32)));
    expect(a.found.find((f) => f.id === 'c'.repeat(32))!.from).toBe('127.0.0.2');
    expect(a.lost).toEqual([]);
  });

  it('survives hostile packets and logs a refused advert once a minute per sender', async () => {
    const port = privatePort();
    const a = startNode(port, advert(ID_A));
    const { mdns } = rawMdns(port);
    const garbage = createSocket({ type: 'udp4', reuseAddr: true });
    running.push({ stop: () => new Promise<void>((done) => garbage.close(() => done())) });
    await new Promise<void>((done) => garbage.bind(0, '127.0.0.1', done));
    garbage.setMulticastInterface('127.0.0.1');
    for (const bytes of [Buffer.alloc(0), Buffer.from('not dns at all'), Buffer.alloc(9000, 0xc0)]) {
      garbage.send(bytes, port, '224.0.0.251');
    }
    const bad = advertPacket(advert(ID_B), '0011aabbccdd', ETH0);
    bad.additionals = bad.additionals!.map((r) =>
      r.type === 'TXT' ? { ...r, data: [Buffer.from(`id=${ID_B}`), Buffer.from('h=' + '9'.repeat(200))] } : r,
    );
    for (let i = 0; i < 20; i++) mdns.respond(bad);
    mdns.respond({
      answers: [{ name: SERVICE_TYPE, type: 'PTR', ttl: 10, data: 'x'.repeat(60) + '.local' }],
    });
    mdns.respond({ answers: [{ name: SERVICE_TYPE, type: 'TXT', ttl: 10, data: [Buffer.from('junk')] }] });
    mdns.respond({ answers: [{ name: SERVICE_TYPE, type: 'PTR', ttl: 10, data: instanceName(ID_B) }] });
    // A good advert last: when it is seen, everything before it has been handled.
    mdns.respond(advertPacket(advert('c'.repeat(32)), '0011aabbccdd', ETH0));
    await until('the good advert', () => a.found.some((f) => f.id === 'c'.repeat(32)));
    expect(a.found.map((f) => f.id)).toEqual(['c'.repeat(32)]);
    expect(a.logs.filter((l) => l.includes('ignored an advert'))).toHaveLength(1);
    expect(a.logs.filter((l) => /threw|failed/.test(l))).toEqual([]);
  });

  it('keeps retrying an interface whose port cannot be bound, and works once it can', async () => {
    const port = privatePort();
    const squatter: Socket = createSocket({ type: 'udp4', reuseAddr: false });
    await new Promise<void>((done) => squatter.bind(port, '0.0.0.0', done));
    const a = startNode(port, advert(ID_A), { pollMs: 100 });
    await until('the bind failure logged', () =>
      a.logs.some((l) => /lo \(127\.0\.0\.1\) failed: .*EADDRINUSE/.test(l)),
    );
    await new Promise<void>((done) => squatter.close(() => done()));
    const b = startNode(port, advert(ID_B));
    await until('found after the port was freed', () => a.found.length > 0 && b.found.length > 0);
    expect(a.logs.filter((l) => l.includes('failed')).length).toBe(1);
    // "listening" only once the socket is bound, not at every retry.
    expect(a.logs.filter((l) => l.includes('listening on lo'))).toHaveLength(1);
  });

  it('follows interfaces that disappear and come back, and survives a failing interface list', async () => {
    const port = privatePort();
    let present: InterfaceMap | 'throw' = LOOPBACK;
    const a = startNode(port, advert(ID_A), {
      interfaces: () => {
        if (present === 'throw') throw new Error('uv_interface_addresses failed');
        return present;
      },
    });
    const b = startNode(port, advert(ID_B));
    await until('b found a', () => b.found.length > 0);
    present = {};
    await until('lo gone', () => a.logs.some((l) => l.includes('stopped on lo (interface gone)')));
    present = 'throw';
    await until('list failure logged', () =>
      a.logs.some((l) => l.includes('cannot list network interfaces')),
    );
    const since = Date.now();
    present = LOOPBACK;
    await until('a found b again', () => a.found.some((f) => f.seenAt >= since));
    await until('b found a again', () => b.found.some((f) => f.seenAt >= since));
    expect(a.logs.filter((l) => l.includes('cannot list')).length).toBe(1);
  });

  it('warns about another node using our id (a copied data folder) and never reports it', async () => {
    const port = privatePort();
    const a = startNode(port, advert(ID_A));
    const twin = startNode(port, advert(ID_A, { port: 5999 }));
    startNode(port, advert(ID_B));
    await until('b seen by both', () => a.found.length > 0 && twin.found.length > 0);
    await until('the warning', () => a.logs.some((l) => l.includes('uses our own node id')));
    expect(a.found.every((f) => f.id === ID_B)).toBe(true);
  });

  it('keeps going when onFound throws', async () => {
    const port = privatePort();
    const a = startNode(port, advert(ID_A), {
      onFound: () => {
        throw new Error('consumer bug');
      },
    });
    startNode(port, advert(ID_B));
    await until('two sightings', () => a.found.length >= 2);
    expect(a.logs.some((l) => l.includes('onFound threw: consumer bug'))).toBe(true);
  });

  it('start twice is one start; stop twice is one stop', async () => {
    const port = privatePort();
    const a = startNode(port, advert(ID_A));
    a.discovery.start();
    await until('listening', () => a.logs.some((l) => l.includes('listening on lo')));
    expect(a.logs.filter((l) => l.includes('listening on lo'))).toHaveLength(1);
    await a.discovery.stop();
    await a.discovery.stop();
  });
});
