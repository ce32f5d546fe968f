import { describe, expect, it } from 'vitest';
import { coalescedIncrements } from './coalesced.js';

/** A counter store whose writes finish only when the test lets them. */
function slowCounter() {
  const totals = new Map<string, number>();
  const writes: Array<{ key: string; count: number; finish: () => void; fail: (error: Error) => void }> = [];
  const write = (key: string, count: number) =>
    new Promise<number>((resolve, reject) => {
      writes.push({
        key, count,
        finish: () => {
          totals.set(key, (totals.get(key) ?? 0) + count);
          resolve(totals.get(key)!);
        },
        fail: reject,
      });
    });
  return { totals, writes, write };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('coalescedIncrements', () => {
  it('writes a lone increment at the end of the turn, and those arriving during a write together in the next one', async () => {
    const counter = slowCounter();
    const increment = coalescedIncrements(counter.write);
    const first = increment('a');
    expect(counter.writes).toEqual([]);
    await tick();
    expect(counter.writes.map((w) => w.count)).toEqual([1]);
    const more = [increment('a'), increment('a'), increment('a')];
    await tick();
    expect(counter.writes.map((w) => w.count)).toEqual([1]); // still one write in flight for the key
    counter.writes[0]!.finish();
    expect(await first).toEqual({ result: 1, position: 1, count: 1 });
    await tick();
    expect(counter.writes.map((w) => w.count)).toEqual([1, 3]);
    counter.writes[1]!.finish();
    // Each learns the count a write per increment would have answered it: result - count + position.
    expect((await Promise.all(more)).map((r) => r.result - r.count + r.position)).toEqual([2, 3, 4]);
    expect(counter.totals.get('a')).toBe(4);
  });

  it('keeps keys apart: one write in flight per key, not per counter', async () => {
    const counter = slowCounter();
    const increment = coalescedIncrements(counter.write);
    const answers = [increment('a'), increment('b')];
    await tick();
    answers.push(increment('a'));
    expect(counter.writes.map((w) => `${w.key}${w.count}`)).toEqual(['a1', 'b1']);
    counter.writes[0]!.finish();
    counter.writes[1]!.finish();
    await tick();
    counter.writes[2]!.finish();
    expect((await Promise.all(answers)).map((r) => r.result)).toEqual([1, 1, 2]);
  });

  it('rejects every increment a failed write carried, and goes on with the next ones', async () => {
    const counter = slowCounter();
    const increment = coalescedIncrements(counter.write);
    const first = increment('a');
    await tick();
    const carried = [increment('a'), increment('a')];
    counter.writes[0]!.finish();
    await first;
    await tick();
    counter.writes[1]!.fail(new Error('database gone'));
    for (const answer of carried) await expect(answer).rejects.toThrow('database gone');
    const later = increment('a');
    await tick();
    counter.writes[2]!.finish();
    expect(await later).toEqual({ result: 2, position: 1, count: 1 });
  });

  it('puts the increments of one turn of the event loop in one write, each with its own place', async () => {
    const counter = slowCounter();
    const increment = coalescedIncrements(counter.write);
    // As requests read from several sockets in one turn, before any write has begun.
    const answers = Array.from({ length: 5 }, () => increment('a'));
    await tick();
    expect(counter.writes.map((w) => w.count)).toEqual([5]);
    counter.writes[0]!.finish();
    expect((await Promise.all(answers)).map((r) => r.result - r.count + r.position)).toEqual([1, 2, 3, 4, 5]);
  });
});
