import { SpanKind, type Attributes, type Counter, type Histogram, type Span } from '@opentelemetry/api';
import type { RecallContext } from '../memory/channels.js';
import { ChannelInstrumentation, type OperationEnd, type SpanStart } from './channel-instrumentation.js';
import { recordsAttribute, truncateText } from './content.js';
import { memoryOperationInstruments } from './memory-metrics.js';
import { metricNamespace } from './metric-values.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_MEMORY_QUERY_TEXT,
  ATTR_GEN_AI_MEMORY_RECORD_COUNT,
  ATTR_GEN_AI_MEMORY_RECORD_ID,
  ATTR_GEN_AI_MEMORY_RECORDS,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_TOP_K,
  ATTR_MEMOTEL_MEMORY_NAMESPACE,
  ATTR_MEMOTEL_MEMORY_OPERATION,
  ATTR_MEMOTEL_OUTCOME,
  ATTR_MEMOTEL_RECALL_MIN_SIMILARITY,
  GEN_AI_OPERATION_NAME_VALUE_SEARCH_MEMORY,
  MEMOTEL_OUTCOME_VALUE_ERROR,
  MEMOTEL_OUTCOME_VALUE_SUCCESS,
  METRIC_MEMOTEL_MEMORY_RECALL_RESULTS,
  SPAN_NAME_REINDEX,
} from './semconv.js';
import type { MemotelInstrumentationConfig } from './types.js';
import { SCOPE_NAMES } from './version.js';

/**
 * memotel:recall → one INTERNAL span per operation:
 * - search: `search_memory` (gen_ai.request.top_k = k, record.count = records returned);
 * - get (one memory by id): also `search_memory`, a search targeting one record, with
 *   gen_ai.memory.record.id; memotel.memory.operation = get tells the two apart;
 * - reindex (rebuilding the index from the notes): `memotel.reindex`, no gen_ai.operation.name
 *   (it is not a GenAI memory operation); record.count = records indexed.
 */
export class RecallInstrumentation extends ChannelInstrumentation<'recall'> {
  // Set by _updateMetricInstruments(), which runs during super(): declared, not initialised.
  declare private _duration: Histogram;
  declare private _results: Counter;

  constructor(config: MemotelInstrumentationConfig = {}) {
    super(SCOPE_NAMES['memotel-recall'], config);
  }

  protected override channelName(): 'recall' {
    return 'recall';
  }

  protected override _updateMetricInstruments(): void {
    this._duration = memoryOperationInstruments(this.meter).duration;
    this._results = this.meter.createCounter(METRIC_MEMOTEL_MEMORY_RECALL_RESULTS, {
      description: 'Memories returned by recall (search and get), by namespace searched.',
      unit: '{memory}',
    });
  }

  protected override spanStart(message: RecallContext): SpanStart {
    const attributes: Attributes = { [ATTR_MEMOTEL_MEMORY_OPERATION]: message.operation };
    if (message.operation !== 'reindex') attributes[ATTR_GEN_AI_OPERATION_NAME] = GEN_AI_OPERATION_NAME_VALUE_SEARCH_MEMORY;
    if (message.namespace !== undefined) attributes[ATTR_MEMOTEL_MEMORY_NAMESPACE] = message.namespace;
    if (message.k !== undefined) attributes[ATTR_GEN_AI_REQUEST_TOP_K] = message.k;
    if (message.minSimilarity !== undefined) attributes[ATTR_MEMOTEL_RECALL_MIN_SIMILARITY] = message.minSimilarity;
    if (message.operation === 'get' && message.id !== undefined) attributes[ATTR_GEN_AI_MEMORY_RECORD_ID] = message.id;
    return {
      name: message.operation === 'reindex' ? SPAN_NAME_REINDEX : GEN_AI_OPERATION_NAME_VALUE_SEARCH_MEMORY,
      kind: SpanKind.INTERNAL,
      attributes,
    };
  }

  protected override spanEnd(span: Span, message: RecallContext, end: OperationEnd): void {
    if (end.errorType === undefined && message.resultCount !== undefined) {
      span.setAttribute(ATTR_GEN_AI_MEMORY_RECORD_COUNT, message.resultCount);
    }
    if (this.captureContent) this._recordContent(span, message);

    const namespace = metricNamespace(message.namespace, this.getConfig().metricNamespaces);
    this._duration.record(end.durationSeconds, {
      ...(message.operation !== 'reindex' && { [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_SEARCH_MEMORY }),
      [ATTR_MEMOTEL_MEMORY_OPERATION]: message.operation,
      [ATTR_MEMOTEL_MEMORY_NAMESPACE]: namespace,
      [ATTR_MEMOTEL_OUTCOME]: end.errorType === undefined ? MEMOTEL_OUTCOME_VALUE_SUCCESS : MEMOTEL_OUTCOME_VALUE_ERROR,
      ...(end.errorType !== undefined && { [ATTR_ERROR_TYPE]: end.errorType }),
    });
    if (message.operation !== 'reindex' && end.errorType === undefined && message.resultCount !== undefined) {
      this._results.add(message.resultCount, { [ATTR_MEMOTEL_MEMORY_NAMESPACE]: namespace });
    }
  }

  private _recordContent(span: Span, message: RecallContext): void {
    const limit = this.getConfig().attributeValueLengthLimit;
    if (message.query !== undefined) span.setAttribute(ATTR_GEN_AI_MEMORY_QUERY_TEXT, truncateText(message.query, limit));
    if (message.results !== undefined) {
      const records = message.results.map((r) => ({
        content: r.summary,
        id: r.id,
        score: r.score,
        metadata: { namespace: r.namespace },
      }));
      span.setAttribute(ATTR_GEN_AI_MEMORY_RECORDS, recordsAttribute(records, limit));
    }
  }
}
