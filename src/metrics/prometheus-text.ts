/**
 * The Prometheus text exposition format, version 0.0.4, written by hand (a client library would be a
 * dependency for a few dozen lines): `# HELP` and `# TYPE` once per family, then its samples.
 * https://prometheus.io/docs/instrumenting/exposition_formats/
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge' | 'histogram';
export type Labels = Readonly<Record<string, string>>;

/** Builds one exposition, family by family. */
export function createExposition() {
  const lines: string[] = [];
  return {
    /** Starts a family; every sample written after it, up to the next family, must belong to it. */
    family(name: string, type: MetricType, help: string): void {
      lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
    },
    sample(name: string, labels: Labels, value: number): void {
      const pairs = Object.entries(labels).map(([label, text]) => `${label}="${escapeLabelValue(text)}"`);
      lines.push(`${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${formatValue(value)}`);
    },
    /**
     * A histogram's samples from per-bucket counts (not cumulative; the last entry counts what is above
     * the last bound): `_bucket` lines, cumulative with `le`, then `_sum` and `_count`.
     */
    histogram(name: string, labels: Labels, bounds: readonly number[], counts: ArrayLike<number>, sum: number): void {
      let cumulative = 0;
      for (let i = 0; i <= bounds.length; i++) {
        cumulative += counts[i] ?? 0;
        this.sample(`${name}_bucket`, { ...labels, le: i < bounds.length ? formatValue(bounds[i]!) : '+Inf' }, cumulative);
      }
      this.sample(`${name}_sum`, labels, sum);
      this.sample(`${name}_count`, labels, cumulative);
    },
    /** The text, ending in a line feed as the format requires. */
    text(): string {
      return `${lines.join('\n')}\n`;
    },
  };
}

/** Go's float formatting as Prometheus reads it: integers plain, special values by name. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
