// Handled errors (memotel:silent-failure): the services caught them and carried on, so no span
// fails, yet someone should see them. Each one is recorded three ways:
// - an `exception` event on the active span, marked memotel.silent_failure=true (so
//   FailureSpanProcessor does not turn a degraded-but-successful operation into an error), and
//   memotel.silent_failure.count on that span;
// - a log record tied to the span context (semconv v1.40: exceptions SHOULD be log records;
//   span events are deprecated but still what most trace backends display), severity WARN;
// - the memotel.silent_failures counter, by location (for alerting).
// Recording must never throw into the publisher: a diagnostics_channel subscriber that throws
// surfaces as an uncaught exception in the app.
import diagnostics_channel from 'node:diagnostics_channel';
import {
  context,
  diag,
  metrics,
  trace,
  type Attributes,
  type Counter,
  type MeterProvider,
  type Span,
} from '@opentelemetry/api';
import { logs, SeverityNumber, type Logger, type LoggerProvider } from '@opentelemetry/api-logs';
import { CHANNELS, type SilentFailureMessage } from '../memory/channels.js';
import { exceptionAttributes } from '../instrumentation/error-type.js';
import { metricLocation } from '../instrumentation/metric-values.js';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_MEMOTEL_SILENT_FAILURE,
  ATTR_MEMOTEL_SILENT_FAILURE_COUNT,
  ATTR_MEMOTEL_SILENT_FAILURE_HANDLING,
  ATTR_MEMOTEL_SILENT_FAILURE_LOCATION,
  EXCEPTION_EVENT_NAME,
  METRIC_MEMOTEL_SILENT_FAILURES,
  SILENT_FAILURE_LOG_EVENT_NAME,
} from '../instrumentation/semconv.js';
import { PACKAGE_VERSION, PROCESSORS_SCOPE_NAME } from '../instrumentation/version.js';

export interface SilentFailureRecorderOptions {
  /** Default: the global meter provider at start() time. */
  meterProvider?: MeterProvider;
  /** Default: the global logger provider (a proxy, so registering it later works too). */
  loggerProvider?: LoggerProvider;
}

export class SilentFailureRecorder {
  readonly #options: SilentFailureRecorderOptions;
  readonly #counts = new WeakMap<Span, number>();
  #listener: ((message: unknown) => void) | undefined;
  #counter: Counter | undefined;
  #logger: Logger | undefined;

  constructor(options: SilentFailureRecorderOptions = {}) {
    this.#options = options;
  }

  /** Subscribes to memotel:silent-failure. Call after the SDK registered its providers. Idempotent. */
  start(): this {
    if (this.#listener) return this;
    const meter = (this.#options.meterProvider ?? metrics.getMeterProvider()).getMeter(PROCESSORS_SCOPE_NAME, PACKAGE_VERSION);
    this.#counter = meter.createCounter(METRIC_MEMOTEL_SILENT_FAILURES, {
      description: 'Errors the memory services handled and did not rethrow, by location.',
      unit: '{failure}',
    });
    this.#logger = (this.#options.loggerProvider ?? logs.getLoggerProvider()).getLogger(PROCESSORS_SCOPE_NAME, PACKAGE_VERSION);
    this.#listener = (message) => this.#record(message as SilentFailureMessage);
    diagnostics_channel.subscribe(CHANNELS.silentFailure, this.#listener);
    return this;
  }

  stop(): void {
    if (!this.#listener) return;
    diagnostics_channel.unsubscribe(CHANNELS.silentFailure, this.#listener);
    this.#listener = undefined;
  }

  #record(message: SilentFailureMessage): void {
    try {
      const location = typeof message?.location === 'string' && message.location !== '' ? message.location : 'unknown';
      const exception = exceptionAttributes(message?.error);
      const attributes: Attributes = {
        [ATTR_EXCEPTION_TYPE]: exception.type,
        ...(exception.message !== undefined && { [ATTR_EXCEPTION_MESSAGE]: exception.message }),
        ...(exception.stacktrace !== undefined && { [ATTR_EXCEPTION_STACKTRACE]: exception.stacktrace }),
        [ATTR_MEMOTEL_SILENT_FAILURE]: true,
        [ATTR_MEMOTEL_SILENT_FAILURE_LOCATION]: location,
        ...(typeof message?.handling === 'string' && { [ATTR_MEMOTEL_SILENT_FAILURE_HANDLING]: message.handling }),
      };

      const span = trace.getActiveSpan();
      if (span?.isRecording()) {
        span.addEvent(EXCEPTION_EVENT_NAME, attributes);
        const count = (this.#counts.get(span) ?? 0) + 1;
        this.#counts.set(span, count);
        span.setAttribute(ATTR_MEMOTEL_SILENT_FAILURE_COUNT, count);
      }

      this.#logger?.emit({
        eventName: SILENT_FAILURE_LOG_EVENT_NAME,
        severityNumber: SeverityNumber.WARN,
        severityText: 'WARN',
        body: `handled error at ${location}${typeof message?.handling === 'string' ? `: ${message.handling}` : ''}`,
        attributes,
        context: context.active(),
      });

      this.#counter?.add(1, { [ATTR_MEMOTEL_SILENT_FAILURE_LOCATION]: metricLocation(location) });
    } catch (err) {
      diag.error('memotel: recording a silent failure failed', err);
    }
  }
}
