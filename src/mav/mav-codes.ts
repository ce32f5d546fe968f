/** The MAV engine (the `v` parameter's values): 1 VIPRE, 2 Bitdefender. */
export const MavEngine = { vipre: 1, bitdefender: 2 } as const;
export type MavEngine = (typeof MavEngine)[keyof typeof MavEngine];

/** Scan kinds and states, stored engine-neutral; the presenters map them to each engine's wire values. */
export const MAV_SCAN_KINDS = ['quick', 'deep', 'active', 'custom', 'behavioral', 'ids', 'device'] as const;
export type MavScanKind = (typeof MAV_SCAN_KINDS)[number];
export const MAV_SCAN_STATES = ['finished', 'canceled', 'error', 'paused', 'running'] as const;
export type MavScanState = (typeof MAV_SCAN_STATES)[number];
