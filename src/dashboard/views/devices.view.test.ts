import { describe, expect, it } from 'vitest';
import { deviceStatusBadge } from './devices.view.js';

const NOW = 1_790_000_000;
const badgeText = (overdue: boolean, offline: boolean, failing: number) =>
  deviceStatusBadge({ overdue_since: overdue ? NOW - 7200 : null, offline_reason: offline ? 'offline - maintenance mode' : null }, failing, NOW)
    .value.replace(/<[^>]*>/g, '');

describe('deviceStatusBadge', () => {
  it('follows the API status rule (Failed > Overdue > Offline), in the dashboard’s words', () => {
    expect(badgeText(true, true, 1)).toBe('Failing');
    expect(badgeText(true, true, 0)).toBe('Overdue');
    expect(badgeText(false, true, 0)).toBe('Offline');
    expect(badgeText(false, false, 0)).toBe('OK');
  });

  it('says how long the device has been overdue and why it is offline', () => {
    expect(deviceStatusBadge({ overdue_since: NOW - 7200, offline_reason: null }, 0, NOW).value).toContain('title="Overdue for 2 h"');
    expect(deviceStatusBadge({ overdue_since: null, offline_reason: 'offline - maintenance mode' }, 0, NOW).value).toContain('title="offline - maintenance mode"');
  });
});
