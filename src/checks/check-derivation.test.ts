import { describe, expect, it } from 'vitest';
import { CheckStatus } from './check-status.js';
import { clearedState, foldCheckResults, NOT_RUN_STATE, type ResultInput } from './check-derivation.js';

const T = Date.parse('2026-11-26T12:00:00Z') / 1000;
const fail = (at: number, output = 'bad'): ResultInput => ({ at, status: 'fail', output });
const pass = (at: number, output = 'ok'): ResultInput => ({ at, status: 'pass', output });

describe('foldCheckResults', () => {
  it('opens an outage on entering failure, counts consecutive fails, and closes it on a pass', () => {
    const failing = foldCheckResults(NOT_RUN_STATE, [pass(T), fail(T + 60, 'disk <full>'), fail(T + 120)], 'UTC');
    expect(failing.state).toMatchObject({ statusid: CheckStatus.fail, consecutive_fails: 2, last_run_at: T + 120, extra: 'bad', formatted_output: '<b>bad</b>' });
    expect(failing.opened).toEqual([{ started_at: T + 60, ended_at: null, cause: 'disk <full>' }]);
    expect([...failing.days]).toEqual([['2026-11-26', 'FAIL']]);
    const recovered = foldCheckResults(failing.state, [pass(T + 180, 'a & b')], 'UTC');
    expect(recovered.state).toMatchObject({ statusid: CheckStatus.pass, consecutive_fails: 0, formatted_output: 'a &amp; b' });
    expect(recovered.opened).toEqual([]);
    expect(recovered.closedExistingAt).toBe(T + 180);
  });

  it('closes an outage it opened itself, orders results by time, and ignores stale ones', () => {
    const fold = foldCheckResults(NOT_RUN_STATE, [pass(T + 120), fail(T + 60)], 'UTC');
    expect(fold.opened).toEqual([{ started_at: T + 60, ended_at: T + 120, cause: 'bad' }]);
    expect(fold.closedExistingAt).toBeNull();
    const stale = foldCheckResults(fold.state, [fail(T)], 'UTC');
    expect(stale.changed).toBe(false);
    expect(stale.state).toEqual(fold.state);
  });

  it('keeps a cleared check cleared until it passes, recording its failed days as CLEARED', () => {
    const failing = foldCheckResults(NOT_RUN_STATE, [fail(T)], 'UTC').state;
    const cleared = clearedState(failing);
    const again = foldCheckResults(cleared, [fail(T + 86400)], 'UTC');
    expect(again.state).toMatchObject({ statusid: CheckStatus.cleared, consecutive_fails: 2 });
    expect(again.opened).toEqual([]);
    expect([...again.days]).toEqual([['2026-11-27', 'CLEARED']]);
    expect(foldCheckResults(again.state, [pass(T + 86460)], 'UTC').state.statusid).toBe(CheckStatus.pass);
  });

  it('dates failed days in the account timezone', () => {
    // 23:30 UTC on the 26th is already the 27th in Auckland.
    expect([...foldCheckResults(NOT_RUN_STATE, [fail(T + 11.5 * 3600)], 'Pacific/Auckland').days.keys()]).toEqual(['2026-11-27']);
  });
});
