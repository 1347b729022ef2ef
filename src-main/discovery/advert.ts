/** What a node advertises in its DNS-SD TXT record, and the checks every received one goes through. */

/** What our node tells the LAN about itself (TXT record and SRV port). */
export interface DiscoveryAdvert {
  /** The node id: a uuid4 without dashes (32 lowercase hex characters). */
  id: string;
  /** The node's display name; longer names are cut to {@link NAME_MAX} characters. */
  name: string;
  /** Blockparty's version, e.g. `0.1.0`. */
  version: string;
  /** The first 16 hex characters of the genesis block's hash: which network the node is on. */
  network: string;
  /** The chain rules (`article`, `dvf`, …). */
  profile: string;
  /** Leading zeros of a valid proof. */
  difficulty: number;
  /** Number of blocks in the node's chain. */
  height: number;
  /** The first 16 hex characters of the hash of the node's last block. */
  tip: string;
  /** The peer API's TCP port (the SRV record's port). */
  port: number;
}

/** The advert fields of another node, as parsed and checked from its TXT record. */
export type AdvertFields = Omit<DiscoveryAdvert, 'port'> & {
  /** Changes every time the other node starts its discovery: a new value means it restarted. */
  boot: string;
};

/** Longest display name kept, in characters. */
export const NAME_MAX = 64;
const NAME_BYTES_MAX = 200;
const MAX_TXT_ENTRIES = 32;

const ID = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const BOOT = /^[0-9a-f]{8,16}$/;
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}$/;
const PROFILE = /^[a-z0-9][a-z0-9-]{0,15}$/;
const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;
// C0/C1 controls and bidirectional overrides: they would garble or disguise a name on screen.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Checks our own advert; throws an error naming the field to fix. */
export function checkAdvert(advert: DiscoveryAdvert): DiscoveryAdvert {
  const fail = (field: string, rule: string, value: unknown): never => {
    throw new Error(`Discovery advert: ${field} must be ${rule}, got ${JSON.stringify(value)}`);
  };
  if (typeof advert !== 'object' || advert === null) fail('advert', 'an object', advert);
  if (typeof advert.id !== 'string' || !ID.test(advert.id))
    fail('id', '32 lowercase hex characters', advert.id);
  if (typeof advert.name !== 'string') fail('name', 'a string', advert.name);
  if (typeof advert.version !== 'string' || !VERSION.test(advert.version)) {
    fail('version', 'up to 32 letters, digits and . + _ -', advert.version);
  }
  if (typeof advert.network !== 'string' || !HEX16.test(advert.network)) {
    fail('network', '16 lowercase hex characters', advert.network);
  }
  if (typeof advert.profile !== 'string' || !PROFILE.test(advert.profile)) {
    fail('profile', 'up to 16 lowercase letters, digits and -', advert.profile);
  }
  if (!isIntIn(advert.difficulty, 1, 64)) fail('difficulty', 'an integer from 1 to 64', advert.difficulty);
  if (!isIntIn(advert.height, 0, Number.MAX_SAFE_INTEGER))
    fail('height', 'a non-negative integer', advert.height);
  if (typeof advert.tip !== 'string' || !HEX16.test(advert.tip))
    fail('tip', '16 lowercase hex characters', advert.tip);
  if (!isIntIn(advert.port, 1, 65535)) fail('port', 'an integer from 1 to 65535', advert.port);
  return { ...advert, name: cleanName(advert.name) };
}

/** The TXT strings for an advert (DNS-SD `key=value`, RFC 6763 §6). */
export function encodeTxt(advert: DiscoveryAdvert, boot: string): Buffer[] {
  const entries: Array<[string, string]> = [
    ['txtvers', '1'],
    ['id', advert.id],
    ['name', cleanName(advert.name)],
    ['ver', advert.version],
    ['net', advert.network],
    ['prof', advert.profile],
    ['diff', String(advert.difficulty)],
    ['h', String(advert.height)],
    ['tip', advert.tip],
    ['boot', boot],
  ];
  return entries.map(([key, value]) => Buffer.from(`${key}=${value}`, 'utf8'));
}

/**
 * Parses and checks another node's TXT strings. Returns the fields, or a short reason why the
 * record was refused: everything in it comes from the network and is checked, bounded and cleaned.
 */
export function parseTxt(data: unknown): AdvertFields | string {
  if (!Array.isArray(data)) return 'TXT record is not a list of strings';
  const map = new Map<string, string>();
  for (const item of data.slice(0, MAX_TXT_ENTRIES)) {
    if (!Buffer.isBuffer(item) || item.length === 0) continue;
    const text = item.toString('utf8');
    const eq = text.indexOf('=');
    if (eq <= 0) continue;
    const key = text.slice(0, eq).toLowerCase();
    // RFC 6763 §6.4: only the first occurrence of a key counts.
    if (!map.has(key)) map.set(key, text.slice(eq + 1));
  }
  const get = (key: string, rule: RegExp): string | undefined => {
    const value = map.get(key)?.toLowerCase();
    return value !== undefined && rule.test(value) ? value : undefined;
  };
  const id = get('id', ID);
  if (!id) return 'TXT id is not 32 hex characters';
  const network = get('net', HEX16);
  if (!network) return 'TXT net is not 16 hex characters';
  const tip = get('tip', HEX16);
  if (!tip) return 'TXT tip is not 16 hex characters';
  const boot = get('boot', BOOT);
  if (!boot) return 'TXT boot is not 8-16 hex characters';
  const profile = get('prof', PROFILE);
  if (!profile) return 'TXT prof is not a profile name';
  const version = map.get('ver');
  if (version === undefined || !VERSION.test(version)) return 'TXT ver is not a version';
  const difficulty = Number(get('diff', DECIMAL));
  if (!isIntIn(difficulty, 1, 64)) return 'TXT diff is not an integer from 1 to 64';
  const height = Number(get('h', DECIMAL));
  if (!isIntIn(height, 0, Number.MAX_SAFE_INTEGER)) return 'TXT h is not a block count';
  const name = cleanName(map.get('name') ?? '');
  return { id, name, version, network, profile, difficulty, height, tip, boot };
}

/** A display name safe to show: no control or direction-override characters, bounded length. */
export function cleanName(name: string): string {
  let clean = name.replace(UNSAFE_CHARS, '').trim();
  clean = Array.from(clean).slice(0, NAME_MAX).join('');
  // Keep the TXT string well under its 255-byte limit, cutting at a character boundary.
  while (Buffer.byteLength(clean, 'utf8') > NAME_BYTES_MAX) clean = Array.from(clean).slice(0, -1).join('');
  return clean;
}

function isIntIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
