/**
 * Metric names on both sides of the dashboards check:
 *  - what memotel exports, read from a real scrape of its Prometheus endpoint and translated to
 *    the names the collector path produces (prometheus exporter, UnderscoreEscapingWithSuffixes);
 *  - what the dashboards query, extracted from their PromQL.
 */

export interface MetricFamily {
  /** The family name as scraped (`# TYPE name type`). */
  name: string;
  type: string;
  /** The OTel unit (`# UNIT name unit`), '' when absent. */
  unit: string;
}

/** Families of a Prometheus text exposition, from its # TYPE and # UNIT lines. */
export function parseFamilies(exposition: string): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  for (const line of exposition.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) families.set(type[1]!, { name: type[1]!, type: type[2]!, unit: families.get(type[1]!)?.unit ?? '' });
    const unit = /^# UNIT (\S+) (\S+)$/.exec(line);
    if (unit) families.set(unit[1]!, { name: unit[1]!, type: families.get(unit[1]!)?.type ?? 'unknown', unit: unit[2]! });
  }
  return [...families.values()];
}

// OTel units as the Prometheus translator spells them in suffixes. Only what memotel and its
// default instrumentations use; an unknown unit fails loudly instead of being mistranslated.
const UNIT_SUFFIXES: Record<string, string> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  min: 'minutes',
  h: 'hours',
  d: 'days',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  '%': 'percent',
};

/** The unit suffix the translator appends ('' for annotations such as {token}). */
export function unitSuffix(unit: string, type: string): string {
  const main = unit.replace(/\{[^}]*\}/g, '').trim();
  if (main === '') return '';
  if (main === '1') return type === 'gauge' ? 'ratio' : '';
  const suffix = UNIT_SUFFIXES[main];
  if (suffix === undefined) throw new Error(`unit "${unit}" is not in the translation table of test/collector/prometheus-names.ts: add how Prometheus names it`);
  return suffix;
}

/**
 * The series names one scraped family becomes on the collector path. memotel's own exporter
 * (@opentelemetry/exporter-prometheus) escapes names to underscores and adds _total to counters
 * but no unit suffix; the collector's prometheus exporter with UnderscoreEscapingWithSuffixes
 * adds both: gen_ai.client.operation.duration (s) -> gen_ai_client_operation_duration_seconds.
 */
export function collectorSeriesNames(family: MetricFamily): string[] {
  const counter = family.type === 'counter';
  const base = counter ? family.name.replace(/_total$/, '') : family.name;
  const suffix = unitSuffix(family.unit, family.type);
  const named = suffix === '' || base.split('_').includes(suffix) ? base : `${base}_${suffix}`;
  switch (family.type) {
    case 'counter':
      return [`${named}_total`];
    case 'histogram':
      return [`${named}_bucket`, `${named}_sum`, `${named}_count`];
    case 'summary':
      return [named, `${named}_sum`, `${named}_count`];
    default:
      return [named];
  }
}

const NOT_METRICS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/** Metric names a PromQL expression selects (labels, functions and variables left out). */
export function metricNamesInPromQL(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // string literals
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '') // grouping labels
    .replace(/\[[^\]]*\]/g, '') // range selectors
    .replace(/\$\{?\w+\}?/g, ''); // dashboard variables
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = stripped.slice(match.index! + match[0].length);
    if (/^\s*\(/.test(rest)) continue; // a function call
    if (NOT_METRICS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

/** The metric a label_values(metric{...}, label) variable query reads, if it names one. */
export function metricNameInVariableQuery(query: string): string | undefined {
  const match = /label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{,]/.exec(query);
  return match?.[1];
}
