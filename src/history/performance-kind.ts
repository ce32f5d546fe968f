/** The sections of list_performance_history, one monitor row per host / disk / interface / counter. */
export const PerformanceKind = ['bandwidth', 'cpu_load', 'cpu_queue', 'disk_load', 'network_usage', 'memory_usage'] as const;
export type PerformanceKind = (typeof PerformanceKind)[number];
