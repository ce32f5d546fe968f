import { describe, expect, it } from 'vitest';
import { CheckStatus, checkState } from './check-status.js';

describe('checkState', () => {
  it('names the four statusid codes N-sight documents', () => {
    expect([CheckStatus.pass, CheckStatus.fail, CheckStatus.cleared, CheckStatus.notRun].map(checkState)).toEqual(['pass', 'fail', 'cleared', 'notRun']);
  });

  it('counts an undocumented code as not run', () => {
    expect(checkState(7)).toBe('notRun');
    expect(checkState(-1)).toBe('notRun');
  });
});
