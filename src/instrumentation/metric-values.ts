// Metric attribute values must come from a fixed set: these map open-ended inputs onto one.
import { NAMESPACES } from '../memory/namespaces.js';
import { NAMESPACE_VALUE_ALL, SILENT_FAILURE_LOCATIONS, VALUE_OTHER } from './semconv.js';

/**
 * memotel's built-in namespaces. A namespace outside the configured list is reported as
 * `_other` on metrics (spans keep the real value).
 */
export const DEFAULT_METRIC_NAMESPACES: readonly string[] = NAMESPACES;

export function metricNamespace(namespace: string | undefined, allowed: readonly string[] | undefined): string {
  if (namespace === undefined || namespace === '') return NAMESPACE_VALUE_ALL;
  return (allowed ?? DEFAULT_METRIC_NAMESPACES).includes(namespace) ? namespace : VALUE_OTHER;
}

export function metricLocation(location: string): string {
  return SILENT_FAILURE_LOCATIONS.includes(location) ? location : VALUE_OTHER;
}
