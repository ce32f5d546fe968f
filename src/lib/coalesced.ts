/** What one increment got: the result of the write that carried it, and its place among that write's increments (1-based). */
export type CoalescedIncrement<R> = { result: R; position: number; count: number };

/**
 * Coalesces increments of one counter (a database row updated per call: bad keys per address, calls per
 * key) into one write per round trip. An increment waits for the end of the event loop's current turn
 * (setImmediate), so the increments of every request that turn read from the sockets go in one write;
 * while a write for a key is in flight, further increments of it wait and go together in the next write.
 * Each write adds its number of increments; each caller gets the result of the write that carried its
 * increment and its place in it, so `result - count + position` is the count a write per increment would
 * have answered it. Under load a process sends at most one write per key at a time, so processes (and
 * this process's connections) stop queueing on the row's lock one increment at a time. Without the wait
 * for the turn's end, SQLite (whose writes finish before the next socket is read) wrote once per
 * increment: a bad key cost a commit of its own.
 */
export function coalescedIncrements<R>(write: (key: string, count: number) => Promise<R>): (key: string) => Promise<CoalescedIncrement<R>> {
  type Waiter = { resolve: (value: CoalescedIncrement<R>) => void; reject: (error: unknown) => void };
  const pending = new Map<string, Waiter[]>(); // increments waiting for the next write, by key
  const writing = new Set<string>();

  async function drain(key: string): Promise<void> {
    writing.add(key);
    await new Promise((resolve) => setImmediate(resolve));
    for (let waiters = pending.get(key); waiters; waiters = pending.get(key)) {
      pending.delete(key);
      try {
        const result = await write(key, waiters.length);
        waiters.forEach((w, i) => w.resolve({ result, position: i + 1, count: waiters.length }));
      } catch (error) {
        for (const w of waiters) w.reject(error);
      }
    }
    writing.delete(key);
  }

  return (key) =>
    new Promise((resolve, reject) => {
      const waiters = pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else pending.set(key, [{ resolve, reject }]);
      if (!writing.has(key)) void drain(key);
    });
}
