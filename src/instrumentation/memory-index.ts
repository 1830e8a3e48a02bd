import { SpanKind, ValueType, type Attributes, type Gauge, type Histogram, type Span } from '@opentelemetry/api';
import type { IndexContext } from '../memory/channels.js';
import { ChannelInstrumentation, type OperationEnd, type SpanStart } from './channel-instrumentation.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_MEMOTEL_INDEX_K,
  ATTR_MEMOTEL_INDEX_OPERATION,
  ATTR_MEMOTEL_INDEX_RECORD_COUNT,
  ATTR_MEMOTEL_INDEX_RESULT_COUNT,
  ATTR_MEMOTEL_MEMORY_NAMESPACE,
  ATTR_MEMOTEL_OUTCOME,
  INDEX_DURATION_BUCKETS,
  MEMOTEL_OUTCOME_VALUE_ERROR,
  MEMOTEL_OUTCOME_VALUE_SUCCESS,
  METRIC_MEMOTEL_INDEX_OPERATION_DURATION,
  METRIC_MEMOTEL_INDEX_RECORDS,
} from './semconv.js';
import type { MemotelInstrumentationConfig } from './types.js';
import { SCOPE_NAMES } from './version.js';

/** memotel:index → one INTERNAL `index {operation}` span per operation on the vector index. */
export class IndexInstrumentation extends ChannelInstrumentation<'index'> {
  // Set by _updateMetricInstruments(), which runs during super(): declared, not initialised.
  declare private _duration: Histogram;
  declare private _records: Gauge;

  constructor(config: MemotelInstrumentationConfig = {}) {
    super(SCOPE_NAMES['memotel-index'], config);
  }

  protected override channelName(): 'index' {
    return 'index';
  }

  protected override _updateMetricInstruments(): void {
    this._duration = this.meter.createHistogram(METRIC_MEMOTEL_INDEX_OPERATION_DURATION, {
      description: 'Duration of vector-index operations.',
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: INDEX_DURATION_BUCKETS },
    });
    // A synchronous gauge: the count is only known when an operation reports it.
    this._records = this.meter.createGauge(METRIC_MEMOTEL_INDEX_RECORDS, {
      description: 'Records in the vector index (all namespaces), as last reported by an index operation.',
      unit: '{memory}',
      valueType: ValueType.INT,
    });
  }

  protected override spanStart(message: IndexContext): SpanStart {
    const attributes: Attributes = { [ATTR_MEMOTEL_INDEX_OPERATION]: message.operation };
    if (message.namespace !== undefined) attributes[ATTR_MEMOTEL_MEMORY_NAMESPACE] = message.namespace;
    if (message.k !== undefined) attributes[ATTR_MEMOTEL_INDEX_K] = message.k;
    return { name: `index ${message.operation}`, kind: SpanKind.INTERNAL, attributes };
  }

  protected override spanEnd(span: Span, message: IndexContext, end: OperationEnd): void {
    if (message.resultCount !== undefined) span.setAttribute(ATTR_MEMOTEL_INDEX_RESULT_COUNT, message.resultCount);
    if (message.recordCount !== undefined) {
      span.setAttribute(ATTR_MEMOTEL_INDEX_RECORD_COUNT, message.recordCount);
      this._records.record(message.recordCount);
    }
    this._duration.record(end.durationSeconds, {
      [ATTR_MEMOTEL_INDEX_OPERATION]: message.operation,
      [ATTR_MEMOTEL_OUTCOME]: end.errorType === undefined ? MEMOTEL_OUTCOME_VALUE_SUCCESS : MEMOTEL_OUTCOME_VALUE_ERROR,
      ...(end.errorType !== undefined && { [ATTR_ERROR_TYPE]: end.errorType }),
    });
  }
}
