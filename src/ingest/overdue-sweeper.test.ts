import { describe, expect, it } from 'vitest';
import { startOverdueSweeper } from './overdue-sweeper.js';

describe('startOverdueSweeper', () => {
  it('sweeps on its interval, never two sweeps at once, logs failures, and stops', async () => {
    let sweeps = 0;
    let concurrent = 0;
    let most = 0;
    const logged: string[] = [];
    const ingest = {
      async sweep() {
        sweeps++;
        most = Math.max(most, ++concurrent);
        await new Promise((resolve) => setTimeout(resolve, 30));
        concurrent--;
        if (sweeps === 2) throw new Error('database went away');
        return { markedOverdue: 1 };
      },
    };
    const stop = startOverdueSweeper(ingest, { info: (_o: unknown, message: string) => logged.push(message), error: (_o: unknown, message: string) => logged.push(message) } as never, 0.005);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await stop();
    const after = sweeps;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sweeps).toBe(after);
    expect(sweeps).toBeGreaterThanOrEqual(3);
    expect(most).toBe(1);
    expect(logged).toContain('overdue sweep failed');
    expect(logged).toContain('devices marked overdue');
  });
});
