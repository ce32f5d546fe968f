/**
 * A deliberately plain check of an email address: one `@`, a non-empty local part, a dotted domain, no
 * spaces, quotes, angle brackets or control characters (which could inject mail headers), at most 320
 * characters (RFC 5321's limit).
 */
export function isValidEmailAddress(value: string): boolean {
  if (value.length > 320) return false;
  return /^[^\s@"<>(),;:\\\[\]\x00-\x1f\x7f]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i.test(value);
}
