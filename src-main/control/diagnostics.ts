/**
 * "Why can't I see Bob?": the peering checks a teacher would make by hand, each with what was found
 * and the fix. Read from the node (settings, peers, nearby networks, reachability) and the machine's
 * interfaces; one node is asked directly when the user names it.
 */
import { networkInterfaces } from 'node:os';
import type { NodeApi } from '../node/types.ts';
import type { DiagnosticDto, DiagnosticsDto } from '../shared/api.ts';
import { parsePeerAddress } from '../shared/address.ts';
import { message, type Message } from '../shared/messages.ts';

/** Interface names VPN and tunnel software uses (WireGuard, OpenVPN, Tailscale, ZeroTier, macOS utun, PPP). */
const VPN_NAMES = /^(tun|tap|wg|utun|ppp|ipsec|zt|tailscale|nordlynx|proton|vpn)/i;

/** One machine interface as the checks see it. */
export interface MachineInterface {
  name: string;
  address: string;
  family: 'IPv4' | 'IPv6';
  internal: boolean;
}

/** The machine's interfaces (injectable for tests). */
export function machineInterfaces(): MachineInterface[] {
  const out: MachineInterface[] = [];
  for (const [name, list] of Object.entries(networkInterfaces())) {
    for (const i of list ?? []) {
      if (i.family !== 'IPv4' && i.family !== 'IPv6') continue;
      out.push({ name, address: i.address, family: i.family, internal: i.internal });
    }
  }
  return out;
}

function check(
  id: string,
  status: DiagnosticDto['status'],
  title: Message,
  detail: Message,
  fix: Message | null = null,
): DiagnosticDto {
  return { id, status, title, detail, fix };
}

/** Runs every check (and asks `target` when given: an address, or a name seen nearby or among peers). */
export async function diagnose(
  node: NodeApi,
  target: string | undefined,
  interfaces: MachineInterface[] = machineInterfaces(),
): Promise<DiagnosticsDto> {
  const settings = node.settings();
  const status = node.status();
  const peers = node.peers();
  const nearby = node.nearby();
  const lan = interfaces.filter((i) => !i.internal && !(i.family === 'IPv6' && i.address.startsWith('fe80')));
  const listening = settings.bindAll
    ? lan.map((i) => ({
        interface: i.name,
        address: i.family === 'IPv6' ? `[${i.address}]:${status.port}` : `${i.address}:${status.port}`,
        family: i.family,
      }))
    : [{ interface: 'lo', address: `127.0.0.1:${status.port}`, family: 'IPv4' as const }];
  const checks: DiagnosticDto[] = [];

  // Where we listen.
  const lanV4 = lan.filter((i) => i.family === 'IPv4');
  if (!settings.bindAll) {
    checks.push(
      check(
        'listening',
        'fail',
        message('diag-listening-title'),
        message('diag-listening-loopback', { port: status.port }),
        message('diag-listening-loopback-fix'),
      ),
    );
  } else if (lanV4.length === 0) {
    checks.push(
      check(
        'listening',
        'fail',
        message('diag-listening-title'),
        message('diag-listening-no-lan'),
        message('diag-listening-no-lan-fix'),
      ),
    );
  } else {
    checks.push(
      check(
        'listening',
        'ok',
        message('diag-listening-title'),
        message('diag-listening-ok', {
          addresses: lanV4.map((i) => `${i.address}:${status.port} (${i.name})`).join(', '),
        }),
      ),
    );
  }

  // A VPN takes the traffic elsewhere or blocks the LAN.
  const vpns = [...new Set(lan.filter((i) => VPN_NAMES.test(i.name)).map((i) => i.name))];
  checks.push(
    vpns.length > 0
      ? check(
          'vpn',
          'warn',
          message('diag-vpn-title'),
          message('diag-vpn-on', { interfaces: vpns.join(', ') }),
          message('diag-vpn-fix'),
        )
      : check('vpn', 'ok', message('diag-vpn-title'), message('diag-vpn-none')),
  );

  // Discovery: did anything answer on mDNS?
  const seen = nearby.reduce((n, network) => n + network.nodes.length, 0);
  if (!settings.discovery) {
    checks.push(
      check(
        'discovery',
        'warn',
        message('diag-discovery-title'),
        message('diag-discovery-off'),
        message('diag-discovery-off-fix'),
      ),
    );
  } else if (seen === 0) {
    checks.push(
      check(
        'discovery',
        'warn',
        message('diag-discovery-title'),
        message('diag-discovery-nothing'),
        message('diag-discovery-nothing-fix'),
      ),
    );
  } else {
    checks.push(
      check(
        'discovery',
        'ok',
        message('diag-discovery-title'),
        message('diag-discovery-ok', { nodes: seen }),
      ),
    );
  }

  // Nodes of other networks, or other rules.
  const others = nearby.filter((n) => !n.ours);
  const otherRules = others.filter((n) => !n.joinable);
  if (others.length > 0) {
    const names = (list: typeof others) =>
      list
        .flatMap((n) => n.nodes.map((m) => m.name))
        .slice(0, 8)
        .join(', ');
    checks.push(
      otherRules.length > 0
        ? check(
            'rules',
            'warn',
            message('diag-rules-title'),
            message('diag-rules-other', { names: names(otherRules) }),
            message('diag-rules-fix'),
          )
        : check(
            'other-network',
            'info',
            message('diag-network-title'),
            message('diag-network-other', { names: names(others) }),
            message('diag-network-fix'),
          ),
    );
  }

  // Firewall: peers answer us, nobody ever reaches us.
  const reach = status.reachability;
  checks.push(
    reach.verdict === 'no-inbound'
      ? check(
          'firewall',
          'fail',
          message('diag-firewall-title'),
          message('diag-firewall-blocked', { peers: reach.reachedOut }),
          message('diag-firewall-fix', { port: status.port }),
        )
      : reach.verdict === 'ok'
        ? check(
            'firewall',
            'ok',
            message('diag-firewall-title'),
            message('diag-firewall-ok', { times: reach.inbound }),
          )
        : check('firewall', 'info', message('diag-firewall-title'), message('diag-firewall-unknown'), null),
  );

  // Client isolation: nodes are seen (multicast gets through the access point) but none answers.
  const discovered = peers.filter((p) => p.source === 'discovered' || p.source === 'exchanged');
  if (discovered.length > 0 && discovered.every((p) => p.status === 'offline')) {
    checks.push(
      check(
        'isolation',
        'warn',
        message('diag-isolation-title'),
        message('diag-isolation-seen', { peers: discovered.length }),
        message('diag-isolation-fix'),
      ),
    );
  }

  if (target !== undefined && target.trim() !== '') checks.push(await diagnoseTarget(node, target.trim()));
  return { listening, checks };
}

/** Finds one node by address or name and asks it who it is. */
async function diagnoseTarget(node: NodeApi, target: string): Promise<DiagnosticDto> {
  const title = message('diag-target-title', { target });
  let address: string | null;
  const parsed = parsePeerAddress(target);
  if (parsed.ok) address = parsed.address;
  else {
    const wanted = target.toLowerCase();
    const peer = node.peers().find((p) => p.name?.toLowerCase() === wanted);
    const seen = node
      .nearby()
      .flatMap((n) => n.nodes)
      .find((m) => m.name.toLowerCase() === wanted);
    address = peer?.address ?? seen?.address ?? null;
  }
  if (address === null)
    return check(
      'target',
      'warn',
      title,
      message('diag-target-unknown', { target }),
      message('diag-target-unknown-fix'),
    );
  const answer = await node.contact(address);
  if (!answer.ok) {
    if (answer.outcome === 'tutorial')
      return check('target', 'info', title, message('diag-target-tutorial', { address }), null);
    return check(
      'target',
      'fail',
      title,
      message('diag-target-silent', { address, reason: answer.reason }),
      message('diag-target-silent-fix'),
    );
  }
  const status = node.status();
  const card = answer.card;
  if (card.profile !== status.profile || card.difficulty !== status.difficulty)
    return check(
      'target',
      'warn',
      title,
      message('diag-target-rules', {
        address,
        name: card.name,
        profile: card.profile,
        difficulty: card.difficulty,
      }),
      message('diag-rules-fix'),
    );
  if (card.genesisHash !== status.genesisHash)
    return check(
      'target',
      'info',
      title,
      message('diag-target-network', { address, name: card.name }),
      message('diag-network-fix'),
    );
  return check('target', 'ok', title, message('diag-target-ok', { address, name: card.name, ms: answer.ms }));
}
