import { adUsersSection } from './ad-users.section.js';
import { antivirusSection } from './antivirus.section.js';
import { backupSection } from './backup.section.js';
import { checkResultsSection } from './check-results.section.js';
import { hardwareSection } from './hardware.section.js';
import { historySection } from './history.section.js';
import { mavSection } from './mav.section.js';
import { patchesSection } from './patches.section.js';
import type { Section } from './section.js';
import { softwareSection } from './software.section.js';

/**
 * The sections of a report, in the order they are applied. Sections that derive check results from what
 * the report says (antivirus state, backup sessions) come before the check results section that stores them.
 */
export const REPORT_SECTIONS: readonly Section[] = [
  antivirusSection, backupSection, checkResultsSection, historySection, hardwareSection, softwareSection, patchesSection, mavSection, adUsersSection,
];
