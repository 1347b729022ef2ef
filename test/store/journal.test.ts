import { appendFile, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChainLog, ChainRecord } from '../../src-main/node/ports.ts';
import { createJournal, recordLines } from '../../src-main/store/journal.ts';
import { mountSmallDisk, type SmallDisk } from '../helpers/tmpfs.ts';
import { makeTempDir, sampleChain, sampleTx, trickyBlock } from './support.ts';

const block = (text: string): ChainRecord => ({ kind: 'block', text });
const linesOf = (records: ChainRecord[]): string => records.map(recordLines).join('');

describe('chain log (journal)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let file: string;
  const opened: ChainLog[] = [];

  const openLog = (path = file): ChainLog => {
    const log = createJournal(path);
    opened.push(log);
    return log;
  };

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
    file = join(dir, 'chain.log');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((log) => log.close()));
    await cleanup();
  });

  it('reads nothing when there is no file yet', async () => {
    expect(await openLog().load()).toEqual({
      records: [],
      damage: null,
      salvage: [],
      notices: [],
      bytes: 0,
      trusted: false,
    });
  });

  it('trusts a log exactly as a clean close left it, and never one touched since', async () => {
    const chain = sampleChain(3);
    const log = openLog();
    await log.load();
    await log.commit(
      chain.map((b) => block(b.text)),
      () => undefined,
    );
    await log.close();
    expect((await openLog().load()).trusted).toBe(true);
    // A seal is good for one opening: a crash after it leaves the next start checking everything.
    expect((await openLog().load()).trusted).toBe(false);
    const again = openLog();
    await again.load();
    await again.close();
    await appendFile(file, `${sampleChain(4)[3]!.text}\n`);
    expect((await openLog().load()).trusted).toBe(false);
  });

  it('gives back every kind of record, in order, after a reopen; blocks stay one Python-JSON line each', async () => {
    const chain = sampleChain(5);
    const tricky = trickyBlock(chain[4]!);
    const records: ChainRecord[] = [
      { kind: 'reset', blocks: [chain[0]!.text] },
      block(chain[1]!.text),
      { kind: 'tx', tx: sampleTx(1) },
      { kind: 'tx', tx: sampleTx(2, 2.0) },
      block(chain[2]!.text),
      { kind: 'adopt', keep: 2, blocks: [chain[2]!.text, chain[3]!.text, chain[4]!.text] },
      block(tricky.text),
    ];
    const log = openLog();
    await log.load();
    for (const record of records) await log.commit([record], () => undefined);
    await log.close();

    const loaded = await openLog().load();
    expect(loaded.records).toEqual(records);
    expect(loaded.damage).toBeNull();
    const text = await readFile(file, 'utf8');
    expect(text).toBe(linesOf(records));
    expect(text.split('\n')).toContain(tricky.text);
    expect(text).toContain(`#tx ${sampleTx(2, 2.0).id} {"amount": 2.0, "recipient": "r2", "sender": "s2"}\n`);
    expect(loaded.bytes).toBe(Buffer.byteLength(text));
  });

  it('appends in place: same file, earlier bytes untouched, only the new line written', async () => {
    const chain = sampleChain(50);
    const log = openLog();
    await log.load();
    await log.commit(
      chain.map((b) => block(b.text)),
      () => undefined,
    );
    const before = await readFile(file);
    const inode = (await stat(file)).ino;
    await log.commit([{ kind: 'tx', tx: sampleTx(7) }], () => undefined);
    const after = await readFile(file);
    expect((await stat(file)).ino).toBe(inode);
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    expect(after.subarray(before.length).toString()).toBe(recordLines({ kind: 'tx', tx: sampleTx(7) }));
  });

  it('applies commits in the order they were made, each after it is on disk, also when they share a write', async () => {
    const log = openLog();
    await log.load();
    const applied: number[] = [];
    const sizes: number[] = [];
    const commits = Array.from({ length: 200 }, (_, i) =>
      log.commit([{ kind: 'tx', tx: sampleTx(i) }], () => {
        applied.push(i);
        sizes.push(log.bytes());
      }),
    );
    await Promise.all(commits);
    expect(applied).toEqual(Array.from({ length: 200 }, (_, i) => i));
    // When a commit is applied, the file already holds it (and every commit before it).
    const recordBytes = Buffer.byteLength(recordLines({ kind: 'tx', tx: sampleTx(0) }));
    sizes.forEach((size, i) => expect(size).toBeGreaterThanOrEqual((i + 1) * recordBytes));
    // 200 concurrent commits were written in far fewer batches than 200 (group commit).
    expect(new Set(sizes).size).toBeLessThan(200);
    expect((await openLog().load()).records).toHaveLength(200);
  });

  it('drops a torn last record with a notice, keeps the rest, and appends cleanly after it', async () => {
    const chain = sampleChain(4);
    await writeFile(file, linesOf(chain.slice(0, 3).map((b) => block(b.text))));
    const whole = await readFile(file, 'utf8');
    // A crash in the middle of writing block 4.
    await appendFile(file, chain[3]!.text.slice(0, 40));
    const log = openLog();
    const loaded = await log.load();
    expect(loaded.records).toEqual(chain.slice(0, 3).map((b) => block(b.text)));
    expect(loaded.notices.map((n) => n.code)).toEqual(['storage-torn-tail']);
    expect(await readFile(file, 'utf8')).toBe(whole);
    await log.commit([block(chain[3]!.text)], () => undefined);
    expect((await openLog().load()).records).toHaveLength(4);
  });

  it('drops an adopt group cut short by a crash, header included', async () => {
    const chain = sampleChain(5);
    const head = linesOf([block(chain[0]!.text), block(chain[1]!.text)]);
    await writeFile(file, head + `#adopt 1 3\n${chain[1]!.text}\n${chain[2]!.text}\n`);
    const loaded = await openLog().load();
    expect(loaded.records).toEqual([block(chain[0]!.text), block(chain[1]!.text)]);
    expect(loaded.notices.map((n) => n.code)).toEqual(['storage-torn-tail']);
    expect(await readFile(file, 'utf8')).toBe(head);
  });

  it('keeps a whole last record that only lacks its newline (a hand edit), and terminates it', async () => {
    const chain = sampleChain(2);
    await writeFile(file, `${chain[0]!.text}\n${chain[1]!.text}`);
    const loaded = await openLog().load();
    expect(loaded.records).toEqual([block(chain[0]!.text), block(chain[1]!.text)]);
    expect(loaded.notices).toEqual([]);
    expect(await readFile(file, 'utf8')).toBe(`${chain[0]!.text}\n${chain[1]!.text}\n`);
  });

  it('reports a line it cannot read as damage, keeps the file as it is, and reads on for salvage', async () => {
    const chain = sampleChain(3);
    const text = `${chain[0]!.text}\n${chain[1]!.text}\nthis is not a record\n#tx ${sampleTx(5).id} ${sampleTx(5).text}\n${chain[2]!.text}\n`;
    await writeFile(file, text);
    const loaded = await openLog().load();
    expect(loaded.records).toEqual([block(chain[0]!.text), block(chain[1]!.text)]);
    expect(loaded.damage).toMatchObject({ line: 3, recordsBefore: 2 });
    expect(loaded.salvage).toEqual([{ kind: 'tx', tx: sampleTx(5) }, block(chain[2]!.text)]);
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('tolerates CRLF line ends and blank lines from an editor', async () => {
    const chain = sampleChain(2);
    await writeFile(file, `${chain[0]!.text}\r\n\r\n${chain[1]!.text}\r\n`);
    expect((await openLog().load()).records).toEqual([block(chain[0]!.text), block(chain[1]!.text)]);
  });

  it('rewrites the whole file atomically from a snapshot taken after earlier commits are applied', async () => {
    const chain = sampleChain(4);
    const log = openLog();
    await log.load();
    const state: ChainRecord[] = [];
    const commit = (r: ChainRecord): Promise<void> => log.commit([r], () => void state.push(r));
    void commit(block(chain[0]!.text));
    void commit({ kind: 'tx', tx: sampleTx(1) });
    const rewritten = log.rewrite(() => state.filter((r) => r.kind === 'block'));
    void commit(block(chain[1]!.text));
    await rewritten;
    await log.commit([], () => undefined);
    expect((await openLog().load()).records).toEqual([block(chain[0]!.text), block(chain[1]!.text)]);
    expect(await readdir(dir)).toEqual(['chain.log']);
  });

  it('copies the file aside whole for the user', async () => {
    const chain = sampleChain(2);
    await writeFile(file, linesOf(chain.map((b) => block(b.text))));
    const log = openLog();
    const aside = await log.keepAside('damaged');
    expect(aside).toMatch(/chain\.log\.damaged-\d{4}-/);
    expect(await readFile(aside, 'utf8')).toBe(await readFile(file, 'utf8'));
  });

  describe('on a full or read-only disk (a small tmpfs)', () => {
    let disk: SmallDisk;
    beforeEach(() => {
      disk = mountSmallDisk(64 * 1024);
    });
    afterEach(() => disk.destroy());

    it('refuses a commit that does not fit, never applies it, leaves the file as it was, and goes on', async () => {
      const path = join(disk.dir, 'chain.log');
      const log = openLog(path);
      await log.load();
      const chain = sampleChain(3);
      await log.commit([block(chain[0]!.text)], () => undefined);
      const before = await readFile(path, 'utf8');
      let applied = false;
      const huge: ChainRecord = {
        kind: 'tx',
        tx: { id: sampleTx(1).id, text: `{"memo": "${'x'.repeat(200_000)}"}` },
      };
      const failure = await log
        .commit([huge], () => (applied = true))
        .catch((error: NodeJS.ErrnoException) => error);
      expect((failure as NodeJS.ErrnoException).code).toBe('ENOSPC');
      expect(applied).toBe(false);
      expect(await readFile(path, 'utf8')).toBe(before);
      await log.commit([block(chain[1]!.text)], () => undefined);
      expect((await openLog(path).load()).records).toEqual([block(chain[0]!.text), block(chain[1]!.text)]);
    });

    it('refuses commits on a read-only disk with EROFS, and applies nothing', async () => {
      const path = join(disk.dir, 'chain.log');
      const chain = sampleChain(2);
      await writeFile(path, `${chain[0]!.text}\n`);
      disk.readOnly(true);
      try {
        const log = openLog(path);
        expect((await log.load()).records).toHaveLength(1);
        let applied = false;
        const failure = await log
          .commit([block(chain[1]!.text)], () => (applied = true))
          .catch((e: NodeJS.ErrnoException) => e);
        expect((failure as NodeJS.ErrnoException).code).toBe('EROFS');
        expect(applied).toBe(false);
      } finally {
        disk.readOnly(false);
      }
    });
  });
});
