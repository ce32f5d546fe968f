/** A check's kind-specific settings (protocol CheckConfig.settings), as stored in checks.settings. */
export type CheckSettings = Record<string, string | number | boolean>;

/**
 * The settings stored for a check, or null for a check that has none: one with no kind ('', e.g. the demo
 * seeder's and test fixtures' checks), whose settings readers make up from its type and description
 * (src/deapi/services/checks/check-config.ts). Checks copied from a template at enrolment have their own.
 */
export function storedCheckSettings(check: { kind: string; settings: string }): CheckSettings | null {
  if (check.kind === '') return null;
  const parsed: unknown = JSON.parse(check.settings || '{}');
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as CheckSettings) : {};
}
