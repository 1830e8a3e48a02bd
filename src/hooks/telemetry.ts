// The hook's telemetry: one INTERNAL root span per run, three metrics, and an exception log
// record when the handler fails. Only @opentelemetry/api and api-logs: without the preload
// every call is a no-op.
import { context, metrics, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { performance } from 'node:perf_hooks';
import { errorMessageOf, errorTypeOf } from '../instrumentation/error-type.js';
import { withSession } from '../processors/session-context.js';
import { VERSION } from '../version.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_MEMOTEL_HOOK_BUDGET,
  ATTR_MEMOTEL_HOOK_BUDGET_USED,
  ATTR_MEMOTEL_HOOK_EVENT,
  ATTR_MEMOTEL_HOOK_OUTCOME,
  ATTR_MEMOTEL_HOOK_SKIP_REASON,
  ERROR_TYPE_VALUE_TIMEOUT,
  HOOK_BUDGET_USED_BUCKETS,
  HOOK_DURATION_BUCKETS,
  HOOK_EVENT_VALUE_OTHER,
  HOOK_EXCEPTION_EVENT_NAME,
  HOOK_SPAN_NAME_PREFIX,
  HOOKS_SCOPE_NAME,
  METRIC_MEMOTEL_HOOK_BUDGET_USED,
  METRIC_MEMOTEL_HOOK_DURATION,
  METRIC_MEMOTEL_HOOK_INVOCATIONS,
} from './semconv.js';
import type { HookEvent, HookOutcome } from './types.js';

// Event names are the host's (SessionStart, PostToolUse...): PascalCase words. Anything else
// (garbage input) is _OTHER, so span names and metric attributes stay low-cardinality.
const EVENT_NAME = /^[A-Z][A-Za-z]{0,63}$/;

export function eventLabel(name: unknown): string {
  return typeof name === 'string' && EVENT_NAME.test(name) ? name : HOOK_EVENT_VALUE_OTHER;
}

export interface HookEnd {
  outcome: HookOutcome;
  /** Fraction of the budget spent when the answer was decided. */
  budgetUsed: number;
  error?: unknown;
  skipReason?: string;
  /** Description of a timed-out run (its status message). */
  timeoutMessage?: string;
}

/** One hook run's span and measurements. */
export class HookTelemetry {
  readonly #startedAt = performance.now();
  readonly #budgetSeconds: number;
  #span: Span | undefined;
  #spanContext: Context | undefined;
  #event: string = HOOK_EVENT_VALUE_OTHER;

  constructor(budgetMs: number) {
    this.#budgetSeconds = budgetMs / 1000;
  }

  /**
   * Starts the hook span, under the event's session, and runs fn inside it: everything fn
   * does (memory operations, HTTP calls) becomes a child and carries the hashed session id.
   */
  runInSpan<T>(event: HookEvent, fn: () => T): T {
    const run = () => {
      this.#start(event);
      return context.with(this.#spanContext!, fn);
    };
    const sessionId = event.session_id;
    return typeof sessionId === 'string' && sessionId !== '' ? withSession(sessionId, run) : run();
  }

  /** Ends the span (starting one first when no event was ever read) and records the metrics. */
  end(result: HookEnd): void {
    if (!this.#span) this.#start(undefined);
    const span = this.#span!;
    span.setAttribute(ATTR_MEMOTEL_HOOK_OUTCOME, result.outcome);
    span.setAttribute(ATTR_MEMOTEL_HOOK_BUDGET_USED, result.budgetUsed);
    if (result.skipReason) span.setAttribute(ATTR_MEMOTEL_HOOK_SKIP_REASON, result.skipReason);
    if (result.outcome === 'error') this.#recordError(span, result.error);
    if (result.outcome === 'timed-out') {
      span.setAttribute(ATTR_ERROR_TYPE, ERROR_TYPE_VALUE_TIMEOUT);
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.timeoutMessage });
    }
    span.end();
    this.#measure(result);
  }

  #start(event: HookEvent | undefined): void {
    this.#event = eventLabel(event?.hook_event_name);
    const attributes: Attributes = {
      [ATTR_MEMOTEL_HOOK_EVENT]: this.#event,
      [ATTR_MEMOTEL_HOOK_BUDGET]: this.#budgetSeconds,
    };
    if (typeof event?.tool_name === 'string' && event.tool_name !== '') attributes[ATTR_GEN_AI_TOOL_NAME] = event.tool_name;
    const parent = context.active();
    this.#span = trace.getTracer(HOOKS_SCOPE_NAME, VERSION).startSpan(
      event ? `${HOOK_SPAN_NAME_PREFIX} ${this.#event}` : HOOK_SPAN_NAME_PREFIX,
      // The run started before the event was read: reading stdin is part of the hook.
      { kind: SpanKind.INTERNAL, attributes, startTime: performance.timeOrigin + this.#startedAt },
      parent,
    );
    this.#spanContext = trace.setSpan(parent, this.#span);
  }

  #recordError(span: Span, error: unknown): void {
    const type = errorTypeOf(error);
    const message = errorMessageOf(error);
    const stack = error instanceof Error ? error.stack : undefined;
    span.recordException({ name: type, message: message ?? type, stack });
    span.setAttribute(ATTR_ERROR_TYPE, type);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    // Also as a log record tied to the span: the form semconv v1.40 prefers (see docs/hooks.md).
    const attributes: Attributes = { [ATTR_EXCEPTION_TYPE]: type, [ATTR_MEMOTEL_HOOK_EVENT]: this.#event };
    if (message !== undefined) attributes[ATTR_EXCEPTION_MESSAGE] = message;
    if (stack !== undefined) attributes[ATTR_EXCEPTION_STACKTRACE] = stack;
    logs.getLogger(HOOKS_SCOPE_NAME, VERSION).emit({
      eventName: HOOK_EXCEPTION_EVENT_NAME,
      severityNumber: SeverityNumber.ERROR,
      severityText: 'ERROR',
      body: `hook ${this.#event} failed: ${type}`,
      attributes,
      context: this.#spanContext,
    });
  }

  // Instruments are made here, not at import: the global meter provider has no proxy, so an
  // instrument created before the SDK registers would stay a no-op.
  #measure(result: HookEnd): void {
    const meter = metrics.getMeter(HOOKS_SCOPE_NAME, VERSION);
    const attributes = { [ATTR_MEMOTEL_HOOK_EVENT]: this.#event, [ATTR_MEMOTEL_HOOK_OUTCOME]: result.outcome };
    meter
      .createHistogram(METRIC_MEMOTEL_HOOK_DURATION, {
        unit: 's',
        description: 'Duration of hook runs, from the start of runHook to the answer.',
        advice: { explicitBucketBoundaries: HOOK_DURATION_BUCKETS },
      })
      .record((performance.now() - this.#startedAt) / 1000, attributes);
    meter
      .createCounter(METRIC_MEMOTEL_HOOK_INVOCATIONS, { unit: '{invocation}', description: 'Hook runs, by event and outcome.' })
      .add(1, attributes);
    meter
      .createHistogram(METRIC_MEMOTEL_HOOK_BUDGET_USED, {
        unit: '1',
        description: 'Time from process start to the answer, as a fraction of the hook budget.',
        advice: { explicitBucketBoundaries: HOOK_BUDGET_USED_BUCKETS },
      })
      .record(result.budgetUsed, { [ATTR_MEMOTEL_HOOK_EVENT]: this.#event });
  }
}
