/**
 * A function making, from a row's values, an object of one object literal with these keys (in order, a later
 * duplicate winning): every row gets the same layout from the start. The names come from our own SQL and
 * schema; JSON.stringify makes each a plain string-literal key. Callers keep `__proto__` out (it would set
 * the prototype).
 */
export function objectLiteralOf(names: readonly string[]): (values: unknown[]) => Record<string, unknown> {
  return new Function('v', `return { ${names.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ')} };`) as (values: unknown[]) => Record<string, unknown>;
}
