/** A day (account timezone) on which a check did not simply run and pass, as check_day_results stores it. */
export const DayResult = { fail: 'FAIL', cleared: 'CLEARED', inactive: 'INACTIVE', pass: 'PASS' } as const;
export type DayResult = (typeof DayResult)[keyof typeof DayResult];
