import { ValueType, type Histogram, type Meter } from '@opentelemetry/api';
import { GEN_AI_DURATION_BUCKETS, METRIC_MEMOTEL_MEMORY_OPERATION_DURATION } from './semconv.js';

/** The duration histogram capture and recall share (each under its own instrumentation scope). */
export function memoryOperationInstruments(meter: Meter): { duration: Histogram } {
  return {
    duration: meter.createHistogram(METRIC_MEMOTEL_MEMORY_OPERATION_DURATION, {
      description: 'Duration of memory operations (capture, search, get, reindex).',
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: GEN_AI_DURATION_BUCKETS },
    }),
  };
}
