// Spans that carry an error but were left with status UNSET (code that recorded an exception or
// error.type and forgot setStatus) are marked ERROR, so error rates and "failed traces" views
// see them.
//
// Why onEnding: in SDK 2.x the span handed to onEnd is read-only (setStatus on an ended span is
// ignored). sdk-trace-base 2.12 (via @opentelemetry/sdk-trace) calls the processor's onEnding
// just before the span becomes read-only; that is where the status is still settable. With an
// SDK that lacks onEnding this processor does nothing.
import { SpanKind, SpanStatusCode, type AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_MEMOTEL_SILENT_FAILURE,
  EXCEPTION_EVENT_NAME,
} from '../instrumentation/semconv.js';

const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';

export class FailureSpanProcessor implements SpanProcessor {
  onStart(): void {}

  onEnding(span: Span): void {
    if (span.status.code !== SpanStatusCode.UNSET) return;
    // Handled errors (memotel:silent-failure) are recorded as exception events marked
    // memotel.silent_failure=true: the operation succeeded (perhaps degraded), it did not fail.
    const failure = span.events.find(
      (event) => event.name === EXCEPTION_EVENT_NAME && event.attributes?.[ATTR_MEMOTEL_SILENT_FAILURE] !== true,
    );
    const hasErrorType = span.attributes[ATTR_ERROR_TYPE] !== undefined && !isHttpServerClientError(span);
    if (!failure && !hasErrorType) return;
    span.setStatus({ code: SpanStatusCode.ERROR, message: textOf(failure?.attributes?.[ATTR_EXCEPTION_MESSAGE]) });
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * HTTP server spans answering 4xx set error.type to the status code but must keep status UNSET
 * (the client erred, not the server): the HTTP conventions say so; leave them alone.
 */
function isHttpServerClientError(span: Span): boolean {
  const status = span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE];
  return span.kind === SpanKind.SERVER && typeof status === 'number' && status < 500;
}

function textOf(value: AttributeValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
