import type { Block, Transaction } from '../chain/types.ts';
import type { Settings } from '../shared/settings.ts';

/** Everything a node keeps besides its chain. */
export interface NodeMeta {
  /** uuid4 without dashes, made once and kept across restarts. */
  nodeId: string | null;
  settings: Settings | null;
  /** Peer addresses as `host:port`. */
  peers: string[];
  /** Pending transactions, with their numbers' kinds kept. */
  pending: Transaction[];
  /** Hash of the chain tip the pending list was saved against (null when unknown). */
  pendingTip: string | null;
}

/** What `load()` found on disk. */
export interface LoadedState {
  meta: NodeMeta;
  /** The saved chain in order; empty for a new node. */
  chain: Block[];
  /** What was damaged and dropped (a torn last line after a crash…), in words for a person. */
  warnings: string[];
}

/**
 * Where a node keeps its state. Blocks go to an append-only log so that saving one new block costs
 * the same at any chain length; the rest lives in a key-value store (electron-store or conf).
 */
export interface NodeRepository {
  /** Folder holding the files, shown to the user. */
  readonly dir: string;
  load(): Promise<LoadedState>;
  /** Appends blocks after the saved ones (durable when the promise resolves). */
  appendBlocks(blocks: readonly Block[]): Promise<void>;
  /** Replaces the whole saved chain atomically (consensus adopted another chain, or a reset). */
  replaceChain(blocks: readonly Block[]): Promise<void>;
  saveNodeId(nodeId: string): void;
  saveSettings(settings: Settings): void;
  savePeers(peers: readonly string[]): void;
  /**
   * Saves the pending pool and the hash of the tip it goes with, so that after a crash between saving
   * a block and saving the pool the node can tell which transactions that block already took.
   */
  savePending(pending: readonly Transaction[], tip?: string): void;
  /** Waits for pending writes and releases files. */
  close(): Promise<void>;
}

/**
 * The few calls the repository needs from a key-value file (conf, electron-store). Values must be
 * plain JSON: numbers whose kind matters are stored as Python-JSON text instead.
 */
export interface KeyValueStore {
  /** Absolute path of the backing file. */
  readonly path: string;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** How blocks and transactions become text on disk and back, number kinds and digits kept. */
export interface BlockCodec {
  /** One block as a single line of text (no newline). */
  encode(block: Block): string;
  /** Throws when the line is not a valid block. */
  decode(line: string): Block;
  encodeTransaction(tx: Transaction): string;
  /** Throws when the text is not a JSON object. */
  decodeTransaction(text: string): Transaction;
}
