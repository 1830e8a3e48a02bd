import { SpanKind, ValueType, type Attributes, type Counter, type Histogram, type Span } from '@opentelemetry/api';
import type { EmbeddingContext } from '../memory/channels.js';
import { ChannelInstrumentation, type OperationEnd, type SpanStart } from './channel-instrumentation.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_MEMOTEL_EMBEDDING_ATTEMPTS,
  ATTR_MEMOTEL_EMBEDDING_INPUT_COUNT,
  ATTR_MEMOTEL_EMBEDDING_LOCAL,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  GEN_AI_DURATION_BUCKETS,
  GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  GEN_AI_TOKEN_BUCKETS,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_MEMOTEL_EMBEDDING_INPUTS,
} from './semconv.js';
import type { MemotelInstrumentationConfig } from './types.js';
import { SCOPE_NAMES } from './version.js';

/**
 * memotel:embedding → one `embeddings {model}` span per batch: CLIENT for a remote provider,
 * INTERNAL for an in-process model. Operation, provider, model and server attributes are set at
 * start so samplers can use them. Texts are never recorded (not even with captureContent: the
 * capture and recall spans around the call already carry them when opted in).
 */
export class EmbeddingInstrumentation extends ChannelInstrumentation<'embedding'> {
  // Set by _updateMetricInstruments(), which runs during super(): declared, not initialised.
  declare private _duration: Histogram;
  declare private _tokenUsage: Histogram;
  declare private _inputs: Counter;

  constructor(config: MemotelInstrumentationConfig = {}) {
    super(SCOPE_NAMES['memotel-embedding'], config);
  }

  protected override channelName(): 'embedding' {
    return 'embedding';
  }

  protected override _updateMetricInstruments(): void {
    this._duration = this.meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      description: 'GenAI operation duration (memotel: embeddings).',
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: GEN_AI_DURATION_BUCKETS },
    });
    this._tokenUsage = this.meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Number of input tokens used by embeddings calls, when the provider reports it.',
      unit: '{token}',
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: GEN_AI_TOKEN_BUCKETS },
    });
    this._inputs = this.meter.createCounter(METRIC_MEMOTEL_EMBEDDING_INPUTS, {
      description: 'Texts sent for embedding.',
      unit: '{input}',
      valueType: ValueType.INT,
    });
  }

  protected override spanStart(message: EmbeddingContext): SpanStart {
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
      [ATTR_GEN_AI_PROVIDER_NAME]: message.provider,
      [ATTR_GEN_AI_REQUEST_MODEL]: message.model,
      [ATTR_MEMOTEL_EMBEDDING_LOCAL]: message.local,
      [ATTR_MEMOTEL_EMBEDDING_INPUT_COUNT]: message.inputCount,
    };
    if (!message.local && message.serverAddress !== undefined) {
      attributes[ATTR_SERVER_ADDRESS] = message.serverAddress;
      if (message.serverPort !== undefined) attributes[ATTR_SERVER_PORT] = message.serverPort;
    }
    return {
      name: `${GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS} ${message.model}`,
      kind: message.local ? SpanKind.INTERNAL : SpanKind.CLIENT,
      attributes,
    };
  }

  protected override spanEnd(span: Span, message: EmbeddingContext, end: OperationEnd): void {
    if (message.dimensions !== undefined) span.setAttribute(ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, message.dimensions);
    if (message.inputTokens !== undefined) span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, message.inputTokens);
    if (message.attempts !== undefined) span.setAttribute(ATTR_MEMOTEL_EMBEDDING_ATTEMPTS, message.attempts);

    const model = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
      [ATTR_GEN_AI_PROVIDER_NAME]: message.provider,
      [ATTR_GEN_AI_REQUEST_MODEL]: message.model,
    };
    this._duration.record(end.durationSeconds, {
      ...model,
      ...(end.errorType !== undefined && { [ATTR_ERROR_TYPE]: end.errorType }),
    });
    if (message.inputTokens !== undefined) {
      this._tokenUsage.record(message.inputTokens, { ...model, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_INPUT });
    }
    this._inputs.add(message.inputCount, {
      [ATTR_GEN_AI_PROVIDER_NAME]: message.provider,
      [ATTR_GEN_AI_REQUEST_MODEL]: message.model,
    });
  }
}
