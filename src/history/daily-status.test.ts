import { describe, expect, it } from 'vitest';
import { CheckStatus } from '../checks/check-status.js';
import { DayResult } from './day-result.js';
import { DAY_STATUS_RANKING, dailyHistory, type HistoryCheck } from './daily-status.js';

const device = { installDay: '2020-01-01', isServer: true, overdueDays: new Set<string>() };
const TODAY = '2026-11-26';
const statusOn = (history: ReturnType<typeof dailyHistory>, date: string) => history.days.find((d) => d.date === date)?.status;
const check = (id: number, extra: Partial<HistoryCheck> = {}): HistoryCheck => ({ id, description: `Check ${id}`, statusid: CheckStatus.pass, lastRunDay: TODAY, ...extra });

describe('60-day check history', () => {
  it('ranks statuses in the documented order, FAIL above PASS and OVERDUE above all', () => {
    expect(DAY_STATUS_RANKING.indexOf('FAIL')).toBeGreaterThan(DAY_STATUS_RANKING.indexOf('PASS'));
    expect(DAY_STATUS_RANKING.at(-1)).toBe('OVERDUE');
    expect(DAY_STATUS_RANKING[0]).toBe('NOTINSTALLED');
  });

  it('has no days without checks', () => {
    expect(dailyHistory(TODAY, device, [], new Map())).toEqual({ names: [], days: [] });
  });

  it('gives 60 days, today first, with the most significant status among the checks', () => {
    const results = new Map([
      [1, new Map<string, DayResult>([['2026-11-20', DayResult.fail], ['2026-11-21', DayResult.cleared]])],
      [2, new Map<string, DayResult>([['2026-11-21', DayResult.fail], ['2026-11-22', DayResult.inactive]])],
    ]);
    const h = dailyHistory(TODAY, device, [check(1), check(2)], results);
    expect(h.days).toHaveLength(60);
    expect(h.days[0]!.date).toBe(TODAY);
    expect(h.days[59]!.date).toBe('2026-09-28');
    expect(statusOn(h, '2026-11-20')).toBe('FAIL');
    expect(statusOn(h, '2026-11-21')).toBe('FAIL'); // FAIL outranks CLEARED
    expect(statusOn(h, '2026-11-22')).toBe('FAILINACTIVE'); // check 2 did not run, its last outcome was FAIL
    expect(statusOn(h, '2026-11-23')).toBe('PASS');
  });

  it('back-fills PASS before the first run, NOTRUN for a check that never ran, NOTINSTALLED before installation', () => {
    const recent = { ...device, installDay: '2026-11-01' };
    const h = dailyHistory(TODAY, recent, [check(1, { lastRunDay: null, statusid: CheckStatus.notRun })], new Map());
    expect(statusOn(h, '2026-10-31')).toBe('NOTINSTALLED');
    expect(statusOn(h, '2026-11-01')).toBe('NOTRUN');
    expect(statusOn(h, TODAY)).toBe('NOTRUN');
    // A check added on the 20th that has run: PASS before its first run too.
    const ran = dailyHistory(TODAY, recent, [check(1, { lastRunDay: '2026-11-25' })], new Map());
    expect(statusOn(ran, '2026-11-02')).toBe('PASS');
    expect(statusOn(ran, TODAY)).toBe('PASSINACTIVE');
  });

  it('marks overdue days OVERDUE on servers and inactive on workstations', () => {
    const overdue = new Set(['2026-11-10']);
    const results = new Map([[1, new Map<string, DayResult>([['2026-11-09', DayResult.cleared]])]]);
    expect(statusOn(dailyHistory(TODAY, { ...device, overdueDays: overdue }, [check(1)], results), '2026-11-10')).toBe('OVERDUE');
    expect(statusOn(dailyHistory(TODAY, { ...device, isServer: false, overdueDays: overdue }, [check(1)], results), '2026-11-10')).toBe('CLEAREDINACTIVE');
  });
});
