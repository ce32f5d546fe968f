/** statusid on the wire. */
export const CheckStatus = { pass: 0, fail: 1, cleared: 2, notRun: 3 } as const;
export type CheckStatus = (typeof CheckStatus)[keyof typeof CheckStatus];

/** dsc_247 on the wire: 1 = Daily Safety Check, 2 = 24x7. */
export const CheckFrequency = { dsc: 1, twentyFourSeven: 2 } as const;

/** What a check's last result was, named: each presenter words it through a `Record<CheckState, …>`. */
export type CheckState = keyof typeof CheckStatus;

/**
 * The state a stored statusid stands for. A code outside the four N-sight documents counts as not run,
 * in the API (`testnotrun`), in the 60-day histories (NOTRUN) and on the dashboard ("Not run") alike.
 */
export function checkState(statusid: number): CheckState {
  switch (statusid) {
    case CheckStatus.pass:
      return 'pass';
    case CheckStatus.fail:
      return 'fail';
    case CheckStatus.cleared:
      return 'cleared';
    default:
      return 'notRun';
  }
}

/** How long clear_check keeps a check cleared: until it passes, until its next result, or until clear_until. */
export const CLEAR_TYPES = ['untilpasses', 'untilnextrun', 'untildatetime'] as const;
export type ClearType = (typeof CLEAR_TYPES)[number];

/** A stored clear_type read back: '' (not cleared) for anything that is not one of CLEAR_TYPES. */
export function clearTypeOf(value: string): ClearType | '' {
  return (CLEAR_TYPES as readonly string[]).includes(value) ? (value as ClearType) : '';
}
