import { SpanKind, type Counter, type Histogram, type Span } from '@opentelemetry/api';
import type { CaptureContext } from '../memory/channels.js';
import { ChannelInstrumentation, type OperationEnd, type SpanStart } from './channel-instrumentation.js';
import { recordsAttribute } from './content.js';
import { memoryOperationInstruments } from './memory-metrics.js';
import { metricNamespace } from './metric-values.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_MEMORY_RECORD_COUNT,
  ATTR_GEN_AI_MEMORY_RECORD_ID,
  ATTR_GEN_AI_MEMORY_RECORDS,
  ATTR_GEN_AI_MEMORY_STORE_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_MEMOTEL_MEMORY_CONTENT_SIZE,
  ATTR_MEMOTEL_MEMORY_DEGRADED,
  ATTR_MEMOTEL_MEMORY_INDEXED,
  ATTR_MEMOTEL_MEMORY_NAMESPACE,
  ATTR_MEMOTEL_MEMORY_OPERATION,
  ATTR_MEMOTEL_OUTCOME,
  GEN_AI_OPERATION_NAME_VALUE_CREATE_MEMORY,
  MEMOTEL_OUTCOME_VALUE_DEGRADED,
  MEMOTEL_OUTCOME_VALUE_ERROR,
  MEMOTEL_OUTCOME_VALUE_SUCCESS,
  METRIC_MEMOTEL_MEMORY_CAPTURES,
  type MemotelOutcome,
} from './semconv.js';
import type { MemotelInstrumentationConfig } from './types.js';
import { SCOPE_NAMES } from './version.js';

/**
 * memotel:capture → one INTERNAL `create_memory` span per stored memory (the memory store runs
 * in this process). gen_ai.memory.store.id is the git notes ref the memory is written to.
 */
export class CaptureInstrumentation extends ChannelInstrumentation<'capture'> {
  // Set by _updateMetricInstruments(), which runs during super(): declared, not initialised.
  declare private _duration: Histogram;
  declare private _captures: Counter;

  constructor(config: MemotelInstrumentationConfig = {}) {
    super(SCOPE_NAMES['memotel-capture'], config);
  }

  protected override channelName(): 'capture' {
    return 'capture';
  }

  protected override _updateMetricInstruments(): void {
    const instruments = memoryOperationInstruments(this.meter);
    this._duration = instruments.duration;
    this._captures = this.meter.createCounter(METRIC_MEMOTEL_MEMORY_CAPTURES, {
      description: 'Memories captured, by namespace and outcome (degraded: stored but not indexed).',
      unit: '{memory}',
    });
  }

  protected override spanStart(message: CaptureContext): SpanStart {
    return {
      name: GEN_AI_OPERATION_NAME_VALUE_CREATE_MEMORY,
      kind: SpanKind.INTERNAL,
      attributes: {
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CREATE_MEMORY,
        [ATTR_MEMOTEL_MEMORY_OPERATION]: message.operation,
        [ATTR_GEN_AI_MEMORY_STORE_ID]: message.notesRef,
        [ATTR_GEN_AI_MEMORY_RECORD_COUNT]: 1,
        [ATTR_MEMOTEL_MEMORY_NAMESPACE]: message.namespace,
        [ATTR_MEMOTEL_MEMORY_CONTENT_SIZE]: message.contentBytes,
      },
    };
  }

  protected override spanEnd(span: Span, message: CaptureContext, end: OperationEnd): void {
    const degraded = end.errorType === undefined && message.indexed === false;
    if (end.errorType === undefined) {
      if (message.id !== undefined) span.setAttribute(ATTR_GEN_AI_MEMORY_RECORD_ID, message.id);
      if (message.indexed !== undefined) span.setAttribute(ATTR_MEMOTEL_MEMORY_INDEXED, message.indexed);
      if (degraded) span.setAttribute(ATTR_MEMOTEL_MEMORY_DEGRADED, true);
    }
    if (this.captureContent) {
      const { attributeValueLengthLimit } = this.getConfig();
      const record = { content: message.content, id: message.id, metadata: { summary: message.summary } };
      span.setAttribute(ATTR_GEN_AI_MEMORY_RECORDS, recordsAttribute([record], attributeValueLengthLimit));
    }

    const outcome: MemotelOutcome =
      end.errorType !== undefined ? MEMOTEL_OUTCOME_VALUE_ERROR : degraded ? MEMOTEL_OUTCOME_VALUE_DEGRADED : MEMOTEL_OUTCOME_VALUE_SUCCESS;
    const namespace = metricNamespace(message.namespace, this.getConfig().metricNamespaces);
    this._duration.record(end.durationSeconds, {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CREATE_MEMORY,
      [ATTR_MEMOTEL_MEMORY_OPERATION]: message.operation,
      [ATTR_MEMOTEL_MEMORY_NAMESPACE]: namespace,
      [ATTR_MEMOTEL_OUTCOME]: outcome,
      ...(end.errorType !== undefined && { [ATTR_ERROR_TYPE]: end.errorType }),
    });
    this._captures.add(1, { [ATTR_MEMOTEL_MEMORY_NAMESPACE]: namespace, [ATTR_MEMOTEL_OUTCOME]: outcome });
  }
}
