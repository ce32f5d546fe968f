/** Quarantine statusid (api-services.md §8.1) of a threat status an engine reports (QUARANTINED, Deleted, …). */
export function quarantineStatusOf(threatStatus: string): number {
  const status = threatStatus.toUpperCase();
  if (status.startsWith('DELETE')) return 5;
  if (status.startsWith('RELEASE')) return 3;
  if (status.startsWith('REPORT')) return 6;
  return 1;
}
