import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Block } from '../chain/types.ts';
import type { BlockCodec } from './types.ts';

/** What `BlockLog.load()` found: the good blocks in order, and what was dropped, in words. */
export interface LoadedChain {
  blocks: Block[];
  warnings: string[];
}

/**
 * An append-only file of blocks, one per line. Appending costs the size of the new blocks whatever
 * the length of the chain; replacing rewrites the file atomically. Writes are serialized, so calls
 * take effect in the order they were made even when nobody awaits them.
 */
export interface BlockLog {
  readonly path: string;
  /** Reads the saved chain; a damaged tail is cut off (and reported) so later appends stay readable. */
  load(): Promise<LoadedChain>;
  /** Adds blocks at the end; durable (fdatasync) when the promise resolves. */
  append(blocks: readonly Block[]): Promise<void>;
  /** Swaps the whole chain for another one: readers see the old chain or the new one, never a mix. */
  replace(blocks: readonly Block[]): Promise<void>;
  /** Waits for queued writes, then releases the file. Later calls reject. */
  close(): Promise<void>;
}

const NEWLINE = 0x0a;
// Batches lines for replace() so a 20,000-block chain is not one giant string.
const WRITE_BATCH_BYTES = 1 << 20;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Opens (lazily) the block log at `path`; nothing touches the disk until the first call. */
export function createBlockLog(path: string, codec: Pick<BlockCodec, 'encode' | 'decode'>): BlockLog {
  let handle: FileHandle | null = null;
  // Bytes of the file known to hold whole, valid lines; null until the file has been checked.
  let goodSize: number | null = null;
  let fileExists = false;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();
  // Damage found by an append that ran before any load(); reported by the next load().
  let deferredWarnings: string[] = [];

  function enqueue<T>(op: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new Error(`The block log ${path} is closed`));
    const result = queue.then(op);
    // A failed write must not stall the writes queued after it.
    queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async function releaseHandle(): Promise<void> {
    const h = handle;
    handle = null;
    if (h) await h.close();
  }

  async function recover(): Promise<LoadedChain> {
    await releaseHandle();
    // A temp file left by a replace() that crashed before its rename: the old chain is still whole.
    await rm(tempPath(path), { force: true });
    const scan = await scanLog(path, codec);
    fileExists = scan.exists;
    const warnings: string[] = [];
    if (scan.damage) {
      const { line, reason, terminated } = scan.damage;
      const kept = scan.blocks.length;
      if (terminated) {
        // A whole bad line is not a crash artifact (hand edit, disk fault): keep the evidence.
        const aside = `${path}.corrupt-${fileStamp()}`;
        await copyFile(path, aside);
        warnings.push(
          `The saved chain (${basename(path)}) is damaged at line ${line} (${reason}). ` +
            `Kept the ${kept} blocks before it and dropped the rest; the damaged file was copied to ${aside}. ` +
            'The node will catch up from its peers.',
        );
      } else {
        warnings.push(
          `The last block in ${basename(path)} was only partly written (the app probably stopped while ` +
            `saving it) and was dropped; the ${kept} blocks before it were kept.`,
        );
      }
      await truncateDurably(path, scan.goodBytes);
    }
    goodSize = scan.goodBytes;
    if (scan.missingNewline) {
      // The last line is a whole block without its newline; terminate it so the next append starts a line.
      const h = await open(path, 'a');
      try {
        await h.write('\n');
        await h.datasync();
      } finally {
        await h.close();
      }
      goodSize += 1;
    }
    return { blocks: scan.blocks, warnings };
  }

  async function appendHandle(): Promise<FileHandle> {
    if (handle) return handle;
    await mkdir(dirname(path), { recursive: true });
    const h = await open(path, 'a');
    if (!fileExists) {
      // The new file's directory entry must survive a crash too.
      await syncDirectory(dirname(path));
      fileExists = true;
    }
    handle = h;
    return h;
  }

  return {
    path,

    load() {
      return enqueue(async () => {
        const loaded = await recover();
        loaded.warnings.unshift(...deferredWarnings);
        deferredWarnings = [];
        return loaded;
      });
    },

    append(blocks) {
      return enqueue(async () => {
        if (blocks.length === 0) return;
        if (goodSize === null) deferredWarnings.push(...(await recover()).warnings);
        const data = Buffer.from(encodeLines(blocks, codec).join(''), 'utf8');
        const h = await appendHandle();
        try {
          await writeAll(h, data);
          await h.datasync();
        } catch (error) {
          // Cut a partial write off now, or the next append would glue onto a torn line.
          await h.truncate(goodSize ?? 0).catch(() => undefined);
          throw error;
        }
        goodSize = (goodSize ?? 0) + data.length;
      });
    },

    replace(blocks) {
      return enqueue(async () => {
        // The append handle would keep writing to the old, unlinked file after the rename.
        await releaseHandle();
        await mkdir(dirname(path), { recursive: true });
        const temp = tempPath(path);
        let written = 0;
        const h = await open(temp, 'w');
        try {
          let batch: string[] = [];
          let batchBytes = 0;
          for (const line of encodeLines(blocks, codec)) {
            batch.push(line);
            batchBytes += line.length;
            if (batchBytes >= WRITE_BATCH_BYTES) {
              written += await writeAll(h, Buffer.from(batch.join(''), 'utf8'));
              batch = [];
              batchBytes = 0;
            }
          }
          if (batch.length > 0) written += await writeAll(h, Buffer.from(batch.join(''), 'utf8'));
          await h.datasync();
        } catch (error) {
          await h.close().catch(() => undefined);
          await rm(temp, { force: true });
          throw error;
        }
        await h.close();
        await rename(temp, path);
        await syncDirectory(dirname(path));
        fileExists = true;
        goodSize = written;
      });
    },

    async close() {
      if (closed) return;
      const done = enqueue(releaseHandle);
      closed = true;
      await done;
    },
  };
}

interface Scan {
  exists: boolean;
  blocks: Block[];
  /** Length of the prefix made of whole, valid lines. */
  goodBytes: number;
  /** The last line is a valid block that lacks its newline. */
  missingNewline: boolean;
  damage: { line: number; reason: string; terminated: boolean } | null;
}

// Streams the file chunk by chunk so a long chain is never held as one string.
async function scanLog(path: string, codec: Pick<BlockCodec, 'decode'>): Promise<Scan> {
  const scan: Scan = { exists: true, blocks: [], goodBytes: 0, missingNewline: false, damage: null };
  let lineNo = 0;
  let partial: Buffer[] = [];

  const accept = (bytes: Buffer, terminated: boolean): boolean => {
    lineNo += 1;
    const reason = decodeLine(bytes, codec, scan.blocks);
    if (reason !== null) {
      scan.damage = { line: lineNo, reason, terminated };
      return false;
    }
    scan.goodBytes += bytes.length + (terminated ? 1 : 0);
    return true;
  };

  try {
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    read: for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(NEWLINE, start);
        if (nl === -1) {
          if (start < chunk.length) partial.push(chunk.subarray(start));
          break;
        }
        const piece = chunk.subarray(start, nl);
        const line = partial.length > 0 ? Buffer.concat([...partial, piece]) : piece;
        partial = [];
        if (!accept(line, true)) break read;
        start = nl + 1;
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...scan, exists: false };
    throw error;
  }

  if (scan.damage === null && partial.length > 0) {
    const tail = Buffer.concat(partial);
    if (accept(tail, false) && tail.toString('latin1').trim() !== '') scan.missingNewline = true;
  }
  return scan;
}

/** Decodes one line into `out`; returns why it is not a block, or null. Blank lines are skipped. */
function decodeLine(bytes: Buffer, codec: Pick<BlockCodec, 'decode'>, out: Block[]): string | null {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return 'not valid UTF-8';
  }
  // Tolerate a hand edit in an editor that saved CRLF line ends.
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (text.trim() === '') return null;
  try {
    out.push(codec.decode(text));
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function encodeLines(blocks: readonly Block[], codec: Pick<BlockCodec, 'encode'>): string[] {
  return blocks.map((block) => {
    const text = codec.encode(block);
    // One stray newline would split a block in two and lose everything after it on the next load.
    if (text.includes('\n') || text.includes('\r')) throw new Error('A block encoded to more than one line');
    return text + '\n';
  });
}

async function writeAll(h: FileHandle, data: Buffer): Promise<number> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await h.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
  return data.length;
}

async function truncateDurably(path: string, size: number): Promise<void> {
  const h = await open(path, 'r+');
  try {
    await h.truncate(size);
    await h.datasync();
  } finally {
    await h.close();
  }
}

/** Makes a rename or a file creation in `dir` durable. Best effort where directories can't be synced. */
export async function syncDirectory(dir: string): Promise<void> {
  let h: FileHandle | null = null;
  try {
    h = await open(dir, 'r');
    await h.sync();
  } catch (error) {
    // Windows cannot open a directory, and some file systems refuse to sync one.
    const code = (error as NodeJS.ErrnoException).code;
    if (!['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EACCES'].includes(code ?? '')) throw error;
  } finally {
    await h?.close();
  }
}

function tempPath(path: string): string {
  return `${path}.tmp`;
}

/** A timestamp that is safe in a file name on every platform. */
export function fileStamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}
