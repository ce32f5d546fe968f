import { createHistoryWriter } from '../../history/history-writer.js';
import type { Section } from './section.js';

/** Performance samples and drive space, stored by the history module (src/history/) in the report's transaction. */
export const historySection: Section = async (ctx) => {
  const { performance, driveSpace } = ctx.report;
  if (performance.length === 0 && driveSpace.length === 0) return;
  const history = createHistoryWriter(ctx.trx);
  if (performance.length > 0) await history.recordPerformance(ctx.device, performance);
  if (driveSpace.length > 0) await history.recordDriveSpace(ctx.device, driveSpace);
};
