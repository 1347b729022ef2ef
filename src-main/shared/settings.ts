/**
 * A node's settings and the rules they follow, once for the node, its files, its command line and
 * the dashboard's forms.
 */
import { message, type Message } from './messages.ts';

/** A node's settings, saved with its state and edited from the dashboard. */
export interface Settings {
  /** A name people recognise on a projector ("Ana's laptop"). */
  name: string;
  /** The peer API port asked for; the next free one is taken when it is busy. */
  port: number;
  /** Listen on all interfaces (LAN demo) or on loopback only. */
  bindAll: boolean;
  profile: 'article' | 'dvf';
  /** Leading hex zeros of a valid proof; tutorial nodes hard-code 4. */
  difficulty: number;
  /** Mining worker threads; 0 means "cores − 1, at least 1". */
  workers: number;
  /** Whether `GET /mine` from another machine is allowed. */
  allowRemoteMine: boolean;
  /** Mine again as soon as a block is forged; resumes at start when saved on. */
  autoMine: boolean;
  /** Find and be found by nodes on the same LAN (mDNS). */
  discovery: boolean;
  /**
   * The live network (blocks and transactions pushed to peers, chains converging by themselves), or
   * the tutorial's manual flow (register and resolve by hand) when false.
   */
  liveNetwork: boolean;
  /** The browser dashboard's port (headless node); 0 lets the system choose once, then it is kept. */
  dashboardPort: number;
}

/** The settings of a new node. */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  name: 'Blockparty node',
  port: 5000,
  bindAll: true,
  profile: 'article',
  difficulty: 4,
  workers: 0,
  allowRemoteMine: false,
  autoMine: false,
  discovery: true,
  liveNetwork: true,
  dashboardPort: 0,
});

/** The names of the settings. */
export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];

/** The difficulty of the tutorial's code: any other makes the node incompatible with tutorial nodes. */
export const TUTORIAL_DIFFICULTY = 4;

/** The longest node name, in characters (the form and the node use the same). */
export const NAME_MAX = 60;

/** Settings that passed every check, or the first field that did not and why. */
export type CheckedSettings =
  { ok: true; settings: Settings } | { ok: false; field: keyof Settings; reason: Message };

const BOOLEANS = ['bindAll', 'allowRemoteMine', 'autoMine', 'discovery', 'liveNetwork'] as const;

function isWhole(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Checks a whole settings object (from a file, a command-line flag or the dashboard). */
export function validateSettings(input: Record<string, unknown>): CheckedSettings {
  const fail = (field: keyof Settings, reason: Message): CheckedSettings => ({ ok: false, field, reason });
  const { name, port, profile, difficulty, workers, dashboardPort } = input;
  if (typeof name !== 'string' || name.trim() === '' || name.trim().length > NAME_MAX) {
    return fail('name', message('settings-name', { max: NAME_MAX }));
  }
  if (!isWhole(port, 0, 65535)) return fail('port', message('settings-port'));
  for (const field of BOOLEANS) {
    if (typeof input[field] !== 'boolean') return fail(field, message('settings-boolean', { field }));
  }
  if (profile !== 'article' && profile !== 'dvf') return fail('profile', message('settings-profile'));
  if (!isWhole(difficulty, 1, 12)) return fail('difficulty', message('settings-difficulty'));
  if (!isWhole(workers, 0, 256)) return fail('workers', message('settings-workers'));
  if (!isWhole(dashboardPort, 0, 65535)) return fail('dashboardPort', message('settings-port'));
  const settings = {} as Record<keyof Settings, unknown>;
  for (const key of SETTING_KEYS) settings[key] = input[key];
  settings.name = name.trim();
  return { ok: true, settings: settings as unknown as Settings };
}

/** A whole number typed in a form ("5000"): digits only, so "abc", "" and "0x10" are refused. */
export function parseWholeNumber(text: string): { ok: true; value: number } | { ok: false } {
  const trimmed = text.trim();
  if (!/^\d{1,9}$/.test(trimmed)) return { ok: false };
  return { ok: true, value: Number(trimmed) };
}
