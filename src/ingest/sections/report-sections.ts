import { checkResultsSection } from './check-results.section.js';
import type { Section } from './section.js';

/**
 * The sections of a report, in the order they are applied. Sections that derive check results from
 * what the report says (antivirus state, backup sessions) come before the check results section.
 */
export const REPORT_SECTIONS: readonly Section[] = [checkResultsSection];
