import { appendFile, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeBlock, hashBlock } from '../../src-main/chain/block.ts';
import { createBlockLog } from '../../src-main/store/block-log.ts';
import type { BlockLog } from '../../src-main/store/block-log.ts';
import { chainCodec } from '../../src-main/store/codec.ts';
import { makeTempDir, nextBlock, sampleChain, TRICKY_BLOCK } from './support.ts';

const lines = (blocks: readonly Parameters<typeof encodeBlock>[0][]): string =>
  blocks.map((b) => encodeBlock(b) + '\n').join('');

describe('block log', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let file: string;
  const opened: BlockLog[] = [];

  const openLog = (): BlockLog => {
    const log = createBlockLog(file, chainCodec);
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

  it('reads nothing, and warns of nothing, when there is no file yet', async () => {
    expect(await openLog().load()).toEqual({ blocks: [], warnings: [] });
  });

  it('gives back appended blocks, in order and with the same hashes, after a reopen', async () => {
    const chain = sampleChain(5);
    const log = openLog();
    await log.load();
    await log.append(chain.slice(0, 2));
    await log.append(chain.slice(2));
    await log.append([TRICKY_BLOCK]);
    await log.close();

    const { blocks, warnings } = await openLog().load();
    expect(warnings).toEqual([]);
    expect(blocks).toEqual([...chain, TRICKY_BLOCK]);
    expect(blocks.map(hashBlock)).toEqual([...chain, TRICKY_BLOCK].map(hashBlock));
    expect(await readFile(file, 'utf8')).toBe(lines([...chain, TRICKY_BLOCK]));
  });

  it('appends in place: same file, earlier bytes untouched, only the new line written', async () => {
    const chain = sampleChain(50);
    const log = openLog();
    await log.replace(chain);
    const before = await readFile(file);
    const inode = (await stat(file)).ino;

    const block = nextBlock(chain);
    await log.append([block]);

    const after = await readFile(file);
    expect((await stat(file)).ino).toBe(inode);
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    expect(after.subarray(before.length).toString('utf8')).toBe(encodeBlock(block) + '\n');
  });

  it('drops a torn last line with a warning, keeps the rest, and appends cleanly after it', async () => {
    const chain = sampleChain(4);
    await writeFile(file, lines(chain.slice(0, 3)));
    const whole = await readFile(file, 'utf8');
    // A crash in the middle of writing block 4.
    await appendFile(file, encodeBlock(chain[3]!).slice(0, 40));

    const log = openLog();
    const { blocks, warnings } = await log.load();
    expect(blocks).toEqual(chain.slice(0, 3));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/only partly written.*dropped.*3 blocks/);
    expect(await readFile(file, 'utf8')).toBe(whole);

    await log.append([chain[3]!]);
    expect((await openLog().load()).blocks).toEqual(chain);
  });

  it('treats zero bytes left by a crash as a torn line', async () => {
    const chain = sampleChain(2);
    await writeFile(file, lines(chain) + '\0'.repeat(100));
    const { blocks, warnings } = await openLog().load();
    expect(blocks).toEqual(chain);
    expect(warnings).toHaveLength(1);
  });

  it('keeps the blocks before a damaged line, keeps a copy of the damaged file, and says so', async () => {
    const chain = sampleChain(4);
    const damaged = [
      encodeBlock(chain[0]!),
      encodeBlock(chain[1]!),
      '{"index": 3, "oops"',
      encodeBlock(chain[3]!),
    ]
      .map((l) => l + '\n')
      .join('');
    await writeFile(file, damaged);

    const { blocks, warnings } = await openLog().load();
    expect(blocks).toEqual(chain.slice(0, 2));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/damaged at line 3.*Kept the 2 blocks/);
    expect(await readFile(file, 'utf8')).toBe(lines(chain.slice(0, 2)));
    const copies = (await readdir(dir)).filter((f) => f.startsWith('chain.log.corrupt-'));
    expect(copies).toHaveLength(1);
    expect(await readFile(join(dir, copies[0]!), 'utf8')).toBe(damaged);
  });

  it('rejects a line that is valid JSON but not a block, and bytes that are not UTF-8', async () => {
    const chain = sampleChain(2);
    await writeFile(file, lines(chain) + '{"index": 3}\n');
    expect((await openLog().load()).blocks).toEqual(chain);

    await writeFile(file, Buffer.concat([Buffer.from(lines(chain)), Buffer.from([0xff, 0xfe, 0x0a])]));
    const { blocks, warnings } = await openLog().load();
    expect(blocks).toEqual(chain);
    expect(warnings[0]).toMatch(/UTF-8/);
  });

  it('keeps a whole last block that only lacks its newline, and terminates it', async () => {
    const chain = sampleChain(3);
    await writeFile(file, lines(chain).slice(0, -1));
    const log = openLog();
    expect(await log.load()).toEqual({ blocks: chain, warnings: [] });
    const block = nextBlock(chain);
    await log.append([block]);
    expect((await openLog().load()).blocks).toEqual([...chain, block]);
  });

  it('recovers a torn tail before appending even when load() was never called', async () => {
    const chain = sampleChain(3);
    await writeFile(file, lines(chain.slice(0, 2)) + '{"index": 3, "prev');
    const log = openLog();
    await log.append([chain[2]!]);
    const loaded = await log.load();
    expect(loaded.blocks).toEqual(chain);
    expect(loaded.warnings[0]).toMatch(/partly written/);
  });

  it('keeps the order of appends made without waiting', async () => {
    const chain = sampleChain(60);
    const log = openLog();
    await log.load();
    await Promise.all(chain.map((block) => log.append([block])));
    expect((await openLog().load()).blocks.map((b) => b.index)).toEqual(chain.map((b) => b.index));
  });

  it('replaces the chain after appends without losing or reordering anything', async () => {
    const old = sampleChain(5);
    const adopted = sampleChain(8, 2);
    const tip = nextBlock(adopted);
    const log = openLog();
    await log.load();
    // No awaits in between: the queue alone must keep the order.
    const writes = [
      log.append(old.slice(0, 3)),
      log.append(old.slice(3)),
      log.replace(adopted),
      log.append([tip]),
    ];
    await Promise.all(writes);

    expect((await openLog().load()).blocks).toEqual([...adopted, tip]);
    expect(await readFile(file, 'utf8')).toBe(lines([...adopted, tip]));
    expect((await readdir(dir)).sort()).toEqual(['chain.log']);
  });

  it('replaces atomically: a temp file left by a crash is ignored and removed', async () => {
    const chain = sampleChain(3);
    await writeFile(file, lines(chain));
    await writeFile(`${file}.tmp`, lines(sampleChain(1)).slice(0, 20));
    expect((await openLog().load()).blocks).toEqual(chain);
    expect(await readdir(dir)).toEqual(['chain.log']);
  });

  it('can replace with an empty chain (reset)', async () => {
    const log = openLog();
    await log.append(sampleChain(3));
    await log.replace([]);
    expect((await openLog().load()).blocks).toEqual([]);
  });

  it('does not let one failed write stall the writes queued after it', async () => {
    const chain = sampleChain(2);
    const failing = createBlockLog(file, {
      ...chainCodec,
      encode: (b) => (b.index === 1n ? 'not\none line' : chainCodec.encode(b)),
    });
    opened.push(failing);
    const first = failing.append([chain[0]!]);
    const second = failing.append([chain[1]!]);
    await expect(first).rejects.toThrow(/more than one line/);
    await second;
    expect((await openLog().load()).blocks).toEqual([chain[1]]);
  });

  it('rejects writes after close', async () => {
    const log = openLog();
    await log.close();
    await expect(log.append(sampleChain(1))).rejects.toThrow(/closed/);
  });
});
