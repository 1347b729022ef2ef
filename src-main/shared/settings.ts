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
  /** Mine again as soon as a block is forged. */
  autoMine: boolean;
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
});

/** The difficulty of the tutorial's code: any other makes the node incompatible with tutorial nodes. */
export const TUTORIAL_DIFFICULTY = 4;
