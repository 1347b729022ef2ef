/** The lab's pieces on their own: the flight book and its timing, the fork book's bounds, the pace's checks. */
import { describe, expect, it } from 'vitest';
import { FlightBook, parseHops, timedPath } from '../../src-main/node/flights.ts';
import { ForkBook } from '../../src-main/node/forks.ts';
import { cardLabFromWire, cardLabToWire, checkPace } from '../../src-main/node/lab.ts';
import { STALE_BLOCKS_MAX } from '../../src-main/shared/api.ts';
import { buildChain } from '../chain/chain-helpers.ts';

const id = (c: string): string => c.repeat(32);
const HASH = 'ab'.repeat(32);

describe('the flight book', () => {
  it('times each hop on the sender’s clock and reports it, and those reported to it, to its parent', () => {
    let now = 1000;
    const book = new FlightBook(id('b'), () => now);
    book.had(HASH, 7, id('a'), '10.0.0.1:5000');
    now = 1040;
    book.pushed(HASH, id('c'));
    book.reported(HASH, [{ from: id('c'), to: id('d'), ms: 25, via: 'push' }]);
    // The same hop reported twice counts once.
    book.reported(HASH, [{ from: id('c'), to: id('d'), ms: 99, via: 'push' }]);
    expect(book.takeReports()).toEqual([
      {
        address: '10.0.0.1:5000',
        hash: HASH,
        hops: [
          { from: id('b'), to: id('c'), ms: 40, via: 'push' },
          { from: id('c'), to: id('d'), ms: 25, via: 'push' },
        ],
      },
    ]);
    expect(book.takeReports()).toEqual([]);
    // Blocks it never had are ignored (a peer cannot make it store anything).
    book.reported('cd'.repeat(32), [{ from: id('c'), to: id('d'), ms: 1, via: 'push' }]);
    expect(book.get('cd'.repeat(32))).toBeNull();
  });

  it('adds the times up along the path from the origin; a sync leaves the rest of its branch untimed', () => {
    const path = timedPath(id('a'), [
      { from: id('c'), to: id('d'), ms: 25, via: 'push' },
      { from: id('a'), to: id('b'), ms: 10, via: 'push' },
      { from: id('b'), to: id('c'), ms: 40, via: 'push' },
      { from: id('a'), to: id('e'), ms: null, via: 'sync' },
      { from: id('e'), to: id('f'), ms: 5, via: 'push' },
    ]);
    expect(path.map((h) => [h.to[0], h.atMs])).toEqual([
      ['b', 10],
      ['c', 50],
      ['d', 75],
      ['e', null],
      ['f', null],
    ]);
  });

  it('reads only well-formed hops from the wire', () => {
    expect(
      parseHops([
        { from: id('a'), to: id('b'), ms: 12.4, via: 'push' },
        { from: id('a'), to: id('b'), ms: -1, via: 'sync' },
        { from: 'x', to: id('b'), ms: 1, via: 'push' },
        { from: id('a'), to: id('b'), ms: 1, via: 'teleport' },
        'junk',
      ]),
    ).toEqual([
      { from: id('a'), to: id('b'), ms: 12, via: 'push' },
      { from: id('a'), to: id('b'), ms: null, via: 'sync' },
    ]);
  });
});

describe('the fork book', () => {
  const chain = buildChain({ profile: 'article', difficulty: 1 }, 6);
  const branch = buildChain({ profile: 'article', difficulty: 1 }, 5, undefined, 1506057125.5);

  it('keeps at most STALE_BLOCKS_MAX stale blocks and shows those from the window on', () => {
    const book = new ForkBook(() => 5);
    for (let i = 0; i < STALE_BLOCKS_MAX + 20; i++) book.keepStale([branch[i % branch.length]!], null);
    expect(book.tree(chain, 3).stale).toBeLessThanOrEqual(STALE_BLOCKS_MAX);
    const tree = book.tree(chain, 3);
    expect(tree.blocks.filter((b) => b.main).map((b) => b.block.index)).toEqual([4, 5, 6]);
    expect(tree.blocks.filter((b) => !b.main).every((b) => b.block.index >= 4)).toBe(true);
  });

  it('records a reorg with what went back to the pool, and forgets branches at a reset', () => {
    const book = new ForkBook(() => 42);
    book.reorged(
      {
        forkIndex: 3,
        discarded: branch.slice(3),
        added: chain.slice(3),
        restored: [{ id: 'f'.repeat(32), text: '{"amount": 1, "recipient": "b", "sender": "a"}' }],
        oldTip: branch.at(-1)!.hash,
        oldLength: 5,
      },
      '10.0.0.2:5000',
    );
    const tree = book.tree(chain, 10);
    expect(tree.reorgs[0]).toMatchObject({
      at: 42,
      forkIndex: 3,
      oldLength: 5,
      newLength: 6,
      winner: '10.0.0.2:5000',
    });
    expect(tree.blocks.find((b) => b.block.hash === chain[5]!.hash)?.sighting).toEqual({
      seenAt: 42,
      from: '10.0.0.2:5000',
    });
    expect(tree.stale).toBe(2);
    book.forget();
    expect(book.tree(chain, 10).stale).toBe(0);
  });
});

describe('the pace and the card’s lab part', () => {
  const now = 1_800_000_000_000;
  it('takes a pace only when it is one', () => {
    const pace = { seconds: 10, setById: id('a'), setByName: 'Ana', setAt: now };
    expect(checkPace(pace, now)).toEqual(pace);
    expect(checkPace({ ...pace, seconds: 1.5 }, now)).toBeNull();
    expect(checkPace({ ...pace, seconds: 3601 }, now)).toBeNull();
    expect(checkPace({ ...pace, setAt: now + 3_600_000 }, now)).toBeNull();
    expect(checkPace({ ...pace, setById: '' }, now)).toBeNull();
  });

  it('goes on the wire and back, from JSON numbers or Python ints', () => {
    const lab = {
      hashRate: 1234,
      workers: 3,
      mining: true,
      privateMining: false,
      pace: { seconds: 5, setById: id('a'), setByName: 'Ana', setAt: now },
    };
    const wire = cardLabToWire(lab);
    expect(cardLabFromWire(JSON.parse(JSON.stringify(wire)), now)).toEqual(lab);
    const py = { ...wire, hash_rate: 1234n, workers: 3n };
    expect(cardLabFromWire(py, now)).toEqual(lab);
    expect(cardLabFromWire({ ...wire, workers: -1 }, now)).toBeNull();
    expect(cardLabFromWire('junk', now)).toBeNull();
  });
});
