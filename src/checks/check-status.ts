/** statusid on the wire. */
export const CheckStatus = { pass: 0, fail: 1, cleared: 2, notRun: 3 } as const;
export type CheckStatus = (typeof CheckStatus)[keyof typeof CheckStatus];

/** dsc_247 on the wire: 1 = Daily Safety Check, 2 = 24x7. */
export const CheckFrequency = { dsc: 1, twentyFourSeven: 2 } as const;
