/**
 * A list held in memory as the single page a streamed `x.items` shape expects. For per-device and
 * per-account lists that are small by nature (a device's software, an account's license groups).
 */
export async function* onePage<T>(rows: T[]): AsyncGenerator<T[]> {
  if (rows.length > 0) yield rows;
}

/** Turns each row of a stream of keyset pages into its wire values, page by page (memory stays one page). */
export async function* mapPages<T, U>(pages: AsyncIterable<T[]>, present: (row: T) => U): AsyncGenerator<U[]> {
  for await (const page of pages) yield page.map(present);
}
