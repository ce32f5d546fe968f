import { zonedParts } from '../../lib/dates.js';

/** "2026-11-26 14:25" in the account's timezone, or an em dash for never. */
export function formatTime(epochSeconds: number | null | undefined, timeZone: string): string {
  if (epochSeconds === null || epochSeconds === undefined) return '—';
  const p = zonedParts(new Date(epochSeconds * 1000), timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** "5 min ago", "3 h ago", "2 d ago": how long before `now`. */
export function formatAgo(epochSeconds: number | null | undefined, now: number): string {
  if (epochSeconds === null || epochSeconds === undefined) return 'never';
  const seconds = Math.max(0, now - epochSeconds);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
