import { describe, expect, it } from 'vitest';
import { CheckStatus } from './check-status.js';
import { clearedState, clearExpiredState, foldCheckResults, NOT_RUN_STATE, type ResultInput } from './check-derivation.js';

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

  it('ends an untilnextrun clear with the next result, whatever it is, and keeps the outage open while failing', () => {
    const failing = foldCheckResults(NOT_RUN_STATE, [fail(T)], 'UTC').state;
    const cleared = clearedState(failing, { type: 'untilnextrun', until: null });
    expect(cleared).toMatchObject({ statusid: CheckStatus.cleared, clear_type: 'untilnextrun', clear_until: null });
    const next = foldCheckResults(cleared, [fail(T + 60)], 'UTC');
    expect(next.state).toMatchObject({ statusid: CheckStatus.fail, clear_type: '', clear_until: null, consecutive_fails: 2 });
    expect(next.opened).toEqual([]);
    expect([...next.days]).toEqual([['2026-11-26', 'FAIL']]);
  });

  it('keeps an untildatetime clear through failures before clear_until, and fails again from then on', () => {
    const failing = foldCheckResults(NOT_RUN_STATE, [fail(T)], 'UTC').state;
    const cleared = clearedState(failing, { type: 'untildatetime', until: T + 3600 });
    const before = foldCheckResults(cleared, [fail(T + 1800)], 'UTC');
    expect(before.state).toMatchObject({ statusid: CheckStatus.cleared, clear_type: 'untildatetime', clear_until: T + 3600 });
    expect(foldCheckResults(before.state, [fail(T + 3600)], 'UTC').state).toMatchObject({ statusid: CheckStatus.fail, clear_type: '', clear_until: null });
    // With no result at all, the date alone ends it (the sweep applies this).
    expect(clearExpiredState(before.state, T + 3599)).toBe(before.state);
    expect(clearExpiredState(before.state, T + 3600)).toMatchObject({ statusid: CheckStatus.fail, clear_type: '', clear_until: null });
    // A pass ends any clear.
    expect(foldCheckResults(cleared, [pass(T + 60)], 'UTC').state).toMatchObject({ statusid: CheckStatus.pass, clear_type: '', clear_until: null });
  });

  it('clears only a failing check', () => {
    const passing = foldCheckResults(NOT_RUN_STATE, [pass(T)], 'UTC').state;
    expect(clearedState(passing)).toBe(passing);
  });

  it('dates failed days in the account timezone', () => {
    // 23:30 UTC on the 26th is already the 27th in Auckland.
    expect([...foldCheckResults(NOT_RUN_STATE, [fail(T + 11.5 * 3600)], 'Pacific/Auckland').days.keys()]).toEqual(['2026-11-27']);
  });
});
