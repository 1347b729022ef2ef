/**
 * The chain and the pending pool in one append-only file, `chain.log`: one record per line, written
 * in the order the node commits them, each batch durable (fdatasync) before anyone hears of it.
 *
 *     {"index": 7, "previous_hash": "…", …}        a block appended on the tip (Python's JSON)
 *     #tx <id> {"amount": 5, …}                      a transaction added to the pending pool
 *     #adopt <keep> <count>                           the chain cut to its first <keep> blocks, then
 *     {…} × count                                       the <count> block lines that follow appended
 *     #reset <count>                                  a new chain: the <count> block lines that follow
 *
 * Blocks stay one per line in the tutorial's JSON, so the file still reads as the chain. Replaying the
 * records in order gives back the chain and the pending pool exactly (the node does that, with the
 * same code it commits with). A group cut short by a crash is dropped whole; the file is compacted
 * (rewritten atomically with only the live records) when most of it is dead.
 */
import { copyFile, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { ChainLog, ChainRecord, LoadedChainLog } from '../node/ports.ts';
import { message, type Message } from '../shared/messages.ts';

/** The text of one record: one or more whole lines, newline-terminated. */
export function recordLines(record: ChainRecord): string {
  switch (record.kind) {
    case 'block':
      return record.text + '\n';
    case 'tx':
      return `#tx ${record.tx.id} ${record.tx.text}\n`;
    case 'adopt':
      return `#adopt ${record.keep} ${record.blocks.length}\n` + linesOf(record.blocks);
    case 'reset':
      return `#reset ${record.blocks.length}\n` + linesOf(record.blocks);
  }
}

function linesOf(blocks: readonly string[]): string {
  return blocks.length === 0 ? '' : blocks.join('\n') + '\n';
}

interface CommitJob {
  kind: 'commit';
  data: string;
  apply: () => void;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface RewriteJob {
  kind: 'rewrite';
  snapshot: () => readonly ChainRecord[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

// Rewrites are written in pieces so that a long chain is never one giant string.
const WRITE_PIECE = 1 << 20;
const TX_LINE = /^#tx ([0-9a-f]{32}) (\{.*\})$/;
const GROUP_LINE = /^#(adopt|reset) (\d{1,9}) ?(\d{1,9})?$/;

/**
 * What a clean close leaves beside the log (`chain.log.seal`): the file's identity then. A log that
 * still matches it was checked when it was written and has not been touched since.
 */
interface Seal {
  size: number;
  mtimeMs: number;
  ino: number;
}

async function readSeal(path: string): Promise<Seal | null> {
  try {
    const seal = JSON.parse(await readFile(`${path}.seal`, 'utf8')) as Seal;
    return typeof seal.size === 'number' && typeof seal.mtimeMs === 'number' && typeof seal.ino === 'number'
      ? seal
      : null;
  } catch {
    return null;
  }
}

/** Opens (lazily) the chain log at `path`; nothing touches the disk until the first call. */
export function createJournal(path: string): ChainLog {
  let handle: FileHandle | null = null;
  let size = 0;
  let known = false;
  let closed = false;
  /** A failed write could not be undone: the file's tail is unknown until the node restarts. */
  let broken: unknown = null;
  const jobs: (CommitJob | RewriteJob)[] = [];
  let draining: Promise<void> | null = null;

  async function appendHandle(): Promise<FileHandle> {
    if (handle) return handle;
    await mkdir(dirname(path), { recursive: true });
    const h = await open(path, 'a');
    if (!known) {
      // The file's directory entry must survive a crash too.
      await syncDirectory(dirname(path));
      known = true;
    }
    handle = h;
    return h;
  }

  async function releaseHandle(): Promise<void> {
    const h = handle;
    handle = null;
    await h?.close();
  }

  async function writeBatch(batch: CommitJob[]): Promise<void> {
    // An adoption's record is megabytes: encoding it is a turn of the loop of its own.
    if (batch.length === 1 && batch[0]!.data.length > 1 << 20) await new Promise((r) => setImmediate(r));
    const data = Buffer.from(batch.length === 1 ? batch[0]!.data : batch.map((j) => j.data).join(''), 'utf8');
    const h = await appendHandle();
    try {
      await writeAll(h, data);
      await h.datasync();
    } catch (error) {
      // Cut a partial write off now, or the next append would glue onto a torn line.
      try {
        await h.truncate(size);
        await h.datasync();
      } catch (truncateError) {
        broken = truncateError;
      }
      throw error;
    }
    size += data.length;
  }

  async function writeRewrite(job: RewriteJob): Promise<void> {
    const records = job.snapshot();
    await releaseHandle();
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.tmp`;
    const h = await open(temp, 'w');
    let written = 0;
    try {
      let piece: string[] = [];
      let pieceBytes = 0;
      for (const record of records) {
        const text = recordLines(record);
        piece.push(text);
        pieceBytes += text.length;
        if (pieceBytes >= WRITE_PIECE) {
          written += await writeAll(h, Buffer.from(piece.join(''), 'utf8'));
          piece = [];
          pieceBytes = 0;
        }
      }
      if (piece.length > 0) written += await writeAll(h, Buffer.from(piece.join(''), 'utf8'));
      await h.datasync();
    } catch (error) {
      await h.close().catch(() => undefined);
      await rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
    await h.close();
    await rename(temp, path);
    await syncDirectory(dirname(path));
    known = true;
    size = written;
  }

  async function drain(): Promise<void> {
    while (jobs.length > 0) {
      const first = jobs[0]!;
      if (first.kind === 'rewrite') {
        jobs.shift();
        try {
          if (broken !== null) throw broken;
          await writeRewrite(first);
          first.resolve();
        } catch (error) {
          first.reject(error);
        }
        continue;
      }
      const batch: CommitJob[] = [];
      while (jobs.length > 0 && jobs[0]!.kind === 'commit') batch.push(jobs.shift() as CommitJob);
      try {
        if (broken !== null) throw broken;
        await writeBatch(batch);
      } catch (error) {
        for (const job of batch) job.reject(error);
        continue;
      }
      // Applied in order and before the next batch is taken: memory follows the file record by record.
      for (const job of batch) {
        try {
          job.apply();
          job.resolve();
        } catch (error) {
          job.reject(error);
        }
      }
    }
  }

  function startDrain(): void {
    draining = drain().finally(() => {
      draining = null;
      // A job queued after the loop ended, before this ran, is picked up by a new drain.
      if (jobs.length > 0) startDrain();
    });
  }

  function enqueue(job: CommitJob | RewriteJob): void {
    jobs.push(job);
    if (draining === null) startDrain();
  }

  return {
    path,

    async load() {
      await releaseHandle();
      await rm(`${path}.tmp`, { force: true });
      const seal = await readSeal(path);
      // A seal is good for one opening: from here on the file changes.
      await rm(`${path}.seal`, { force: true });
      let buffer: Buffer;
      let identity: Seal;
      try {
        const info = await stat(path);
        identity = { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
        buffer = await readFile(path);
        known = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        known = false;
        size = 0;
        return { records: [], damage: null, salvage: [], notices: [], bytes: 0, trusted: false };
      }
      const trusted =
        seal !== null &&
        seal.size === identity.size &&
        seal.mtimeMs === identity.mtimeMs &&
        seal.ino === identity.ino &&
        buffer.length === seal.size;
      const parsed = parseJournal(buffer);
      const notices: Message[] = [];
      // A torn tail is a crash artifact and is cut; damage is the node's to handle (it keeps the file).
      if (parsed.damage === null && parsed.goodBytes < buffer.length) {
        notices.push(message('storage-torn-tail', { file: basename(path) }));
        await truncateDurably(path, parsed.goodBytes);
      } else if (parsed.damage === null && parsed.terminateLastLine) {
        await appendDurably(path, '\n');
        parsed.goodBytes += 1;
      }
      size = parsed.damage === null ? parsed.goodBytes : buffer.length;
      return {
        records: parsed.records,
        damage: parsed.damage,
        salvage: parsed.salvage,
        notices,
        bytes: size,
        // Trusted only as the node left it: nothing repaired, nothing damaged.
        trusted: trusted && notices.length === 0 && parsed.damage === null && !parsed.terminateLastLine,
      };
    },

    commit(records, apply) {
      if (closed) return Promise.reject(new Error(`The chain log ${path} is closed`));
      return new Promise<void>((resolve, reject) => {
        enqueue({ kind: 'commit', data: records.map(recordLines).join(''), apply, resolve, reject });
      });
    },

    rewrite(snapshot) {
      if (closed) return Promise.reject(new Error(`The chain log ${path} is closed`));
      return new Promise<void>((resolve, reject) => enqueue({ kind: 'rewrite', snapshot, resolve, reject }));
    },

    async keepAside(label) {
      const aside = `${path}.${label}-${fileStamp()}`;
      await copyFile(path, aside);
      return aside;
    },

    bytes: () => size,

    async close() {
      if (closed) return;
      closed = true;
      await draining;
      await releaseHandle();
      if (broken !== null || !known) return;
      // Sealed last, after every write: a crash before this leaves no seal, and the next start checks.
      try {
        const info = await stat(path);
        const seal: Seal = { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
        await writeFile(`${path}.seal.tmp`, JSON.stringify(seal));
        await rename(`${path}.seal.tmp`, `${path}.seal`);
      } catch {
        // Without a seal the next start checks every link: slower, never wrong.
      }
    },
  };
}

interface Parsed extends Omit<LoadedChainLog, 'notices' | 'bytes' | 'trusted'> {
  /** Length of the prefix made of whole records. */
  goodBytes: number;
  /** The file ends with a whole record that lacks its newline. */
  terminateLastLine: boolean;
}

/**
 * Splits the file into records. Offsets are bytes: the text is read as latin1 (one char per byte), and
 * only a line holding other bytes is decoded as UTF-8 (canonical JSON is ASCII, so that is a hand edit).
 */
export function parseJournal(buffer: Buffer): Parsed {
  const whole = buffer.toString('latin1');
  const ascii = !/[\u0080-\uffff]/.test(whole);
  const out: Parsed = { records: [], damage: null, salvage: [], goodBytes: 0, terminateLastLine: false };
  let pos = 0;
  let lineNo = 0;
  let group: { kind: 'adopt' | 'reset'; keep: number; left: number; blocks: string[] } | null = null;
  const target = (): ChainRecord[] => (out.damage === null ? out.records : out.salvage);
  const damage = (reason: Message): void => {
    out.damage ??= { line: lineNo, recordsBefore: out.records.length, reason };
  };

  while (pos < whole.length) {
    const nl = whole.indexOf('\n', pos);
    const terminated = nl >= 0;
    const end = terminated ? nl : whole.length;
    let line = whole.slice(pos, end);
    if (!ascii && /[\u0080-\uffff]/.test(line)) line = buffer.subarray(pos, end).toString('utf8');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    lineNo += 1;
    pos = terminated ? nl + 1 : whole.length;
    if (!terminated) {
      // A last line without its newline was never acknowledged: keep it only if it is a whole record.
      const complete = line.startsWith('{') ? looksLikeBlock(line) : TX_LINE.test(line);
      if (!complete || (group !== null && group.left !== 1)) break;
      out.terminateLastLine = true;
    }
    if (line.trim() === '') {
      if (group === null && out.damage === null) out.goodBytes = pos;
      continue;
    }
    if (group !== null) {
      if (!line.startsWith('{')) {
        damage(
          message('log-group-broken', {
            line: lineNo,
            block: group.blocks.length + 1,
            kind: `#${group.kind}`,
          }),
        );
        group = null;
      } else {
        group.blocks.push(line);
        group.left -= 1;
        if (group.left === 0) {
          const record: ChainRecord =
            group.kind === 'adopt'
              ? { kind: 'adopt', keep: group.keep, blocks: group.blocks }
              : { kind: 'reset', blocks: group.blocks };
          target().push(record);
          group = null;
          if (out.damage === null) out.goodBytes = pos;
        }
        continue;
      }
    }
    if (line.startsWith('{')) {
      target().push({ kind: 'block', text: line });
    } else if (line.startsWith('#tx ')) {
      const match = TX_LINE.exec(line);
      if (match) target().push({ kind: 'tx', tx: { id: match[1]!, text: match[2]! } });
      else damage(message('log-tx-broken', { line: lineNo }));
    } else if (line.startsWith('#')) {
      const match = GROUP_LINE.exec(line);
      const kind = match?.[1] as 'adopt' | 'reset' | undefined;
      const count = kind === 'adopt' ? Number(match?.[3]) : Number(match?.[2]);
      if (!match || !Number.isInteger(count) || count < 1 || (kind === 'adopt' && match[3] === undefined)) {
        damage(message('log-record-unknown', { line: lineNo }));
      } else {
        group = { kind: kind!, keep: kind === 'adopt' ? Number(match[2]) : 0, left: count, blocks: [] };
      }
    } else {
      damage(message('log-line-unknown', { line: lineNo }));
    }
    if (group === null && out.damage === null) out.goodBytes = pos;
  }
  // A group cut short by a crash: its header and blocks are dropped (goodBytes stops before it).
  return out;
}

/** A cheap check that a line without its newline is a whole JSON object (balanced, ends with `}`). */
function looksLikeBlock(line: string): boolean {
  return line.startsWith('{"index": ') && line.endsWith(']}');
}

async function writeAll(h: FileHandle, data: Buffer): Promise<number> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await h.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
  return data.length;
}

async function truncateDurably(path: string, bytes: number): Promise<void> {
  const h = await open(path, 'r+');
  try {
    await h.truncate(bytes);
    await h.datasync();
  } finally {
    await h.close();
  }
}

async function appendDurably(path: string, text: string): Promise<void> {
  const h = await open(path, 'a');
  try {
    await h.write(text);
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

/** A timestamp that is safe in a file name on every platform. */
export function fileStamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}
