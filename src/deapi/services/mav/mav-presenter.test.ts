import { describe, expect, it } from 'vitest';
import { MAV_SCAN_KINDS, MAV_SCAN_STATES, MavEngine } from '../../../mav/mav-codes.js';
import { patchDateText } from '../patches/patch-list-all.service.js';
import {
  CURRENT_QUARANTINE_STATUSES, engineVersion, PREVIOUS_QUARANTINE_STATUSES, QUARANTINE_STATUS_TEXT, quarantineGroup, scanDuration,
  scanEventType, scanStatusCode, scanTime, scanTypeText,
} from './mav-presenter.js';

describe('MAV wire values', () => {
  it('splits the nine quarantine statusids into current (group 0) and previous (group 1) exactly once', () => {
    const all = [...CURRENT_QUARANTINE_STATUSES, ...PREVIOUS_QUARANTINE_STATUSES].sort((a, b) => a - b);
    expect(all).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Object.keys(QUARANTINE_STATUS_TEXT).map(Number)).toEqual(all);
    expect(CURRENT_QUARANTINE_STATUSES.map(quarantineGroup)).toEqual([0, 0, 0, 0, 0]);
    expect(PREVIOUS_QUARANTINE_STATUSES.map(quarantineGroup)).toEqual([1, 1, 1, 1]);
  });

  it('maps every scan kind and state to a value of both engines', () => {
    for (const engine of [MavEngine.vipre, MavEngine.bitdefender]) {
      for (const kind of MAV_SCAN_KINDS) expect(scanEventType(engine, kind)).toBeTypeOf('number');
      for (const state of MAV_SCAN_STATES) expect(scanStatusCode(engine, state)).toBeTypeOf('number');
    }
    expect(scanTypeText(MavEngine.vipre, 'deep', 'running')).toBe('Deep scan in progress');
    expect(scanTypeText(MavEngine.bitdefender, 'deep', 'running')).toBe('Deep');
  });

  it('writes VIPRE times in UTC and Bitdefender times in agent-local time', () => {
    const t = Date.UTC(2026, 10, 26, 23, 30) / 1000;
    expect(scanTime(MavEngine.vipre, t, 3600)).toBe('2026-11-26 23:30:00');
    expect(scanTime(MavEngine.bitdefender, t, 3600)).toBe('2026-11-27 00:30:00');
    expect(scanTime(MavEngine.bitdefender, null, 3600)).toBe('');
  });

  it('formats durations as hh:mm:ss, empty while running', () => {
    expect(scanDuration(100, 100 + 3 * 3600 + 62)).toBe('03:01:02');
    expect(scanDuration(100, null)).toBe('');
  });

  it('treats v=1 as VIPRE only without <engine>, anything else as both engines with it', () => {
    expect(engineVersion('1')).toEqual({ engines: [1], withEngine: false });
    expect(engineVersion(undefined)).toEqual({ engines: [1, 2], withEngine: true });
  });

  it('writes patch dates as 31-Jul-2024 and 31-Jul-2024 00:00 (UTC)', () => {
    const t = Date.UTC(2024, 6, 31, 0, 0) / 1000;
    expect(patchDateText(t, false)).toBe('31-Jul-2024');
    expect(patchDateText(t + 3 * 3600 + 5 * 60, true)).toBe('31-Jul-2024 03:05');
    expect(patchDateText(null, true)).toBe('');
  });
});
