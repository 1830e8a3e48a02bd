// memotel's own pieces wired into the SDK: memory-service instrumentations, session and
// failure processors, silent-failure recording.
import { diag, type TextMapPropagator } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { MemotelConfig } from '../config/index.js';
import { MEMOTEL_INSTRUMENTATIONS, type MemotelInstrumentationName } from '../instrumentation/index.js';
import {
  FailureSpanProcessor,
  loadSessionKey,
  SessionLogRecordProcessor,
  SessionSafeBaggagePropagator,
  SessionSpanProcessor,
  SilentFailureRecorder,
  UrlSessionSpanProcessor,
} from '../processors/index.js';

export interface Components {
  spanProcessors: SpanProcessor[];
  logRecordProcessors: LogRecordProcessor[];
  wrapPropagator(p: TextMapPropagator): TextMapPropagator;
  /** After the SDK registered its providers (the recorder counts through the global meter). */
  start(): void;
  stop(): void;
}

export function memotelComponents(config: MemotelConfig): Components {
  const key = sessionKeyFor(config);
  const session = key ? { key, fallbackSessionId: config.session.fallbackId } : undefined;
  let recorder: SilentFailureRecorder | undefined;
  return {
    spanProcessors: [...(session ? [new SessionSpanProcessor(session)] : []), new UrlSessionSpanProcessor(), new FailureSpanProcessor()],
    logRecordProcessors: session ? [new SessionLogRecordProcessor(session)] : [],
    // Without a key the raw session id is removed from outbound baggage instead of hashed.
    wrapPropagator: (p) => new SessionSafeBaggagePropagator(p, { key }),
    start() {
      recorder = new SilentFailureRecorder().start();
    },
    stop() {
      recorder?.stop();
    },
  };
}

const sessionKeys = new WeakMap<MemotelConfig, { key: Buffer | undefined }>();

/**
 * The HMAC key for session ids, loaded once per configuration (the processors and the MCP
 * instrumentation share it). A key file that cannot be created or read must not stop the
 * app: session ids are then left out entirely (never exported raw).
 */
export function sessionKeyFor(config: MemotelConfig): Buffer | undefined {
  let loaded = sessionKeys.get(config);
  if (!loaded) sessionKeys.set(config, (loaded = { key: loadKey(config) }));
  return loaded.key;
}

function loadKey(config: MemotelConfig): Buffer | undefined {
  try {
    return loadSessionKey({ salt: config.session.salt, keyFile: config.session.keyFile });
  } catch (err) {
    diag.warn(
      `session ids are not recorded: no session key (${(err as Error).message}); set MEMOTEL_SESSION_SALT, or fix or move MEMOTEL_SESSION_KEY_FILE=${config.session.keyFile}`,
    );
    return undefined;
  }
}

export function memotelInstrumentation(name: string, config: MemotelConfig): Instrumentation | undefined {
  const Ctor = MEMOTEL_INSTRUMENTATIONS[name as MemotelInstrumentationName];
  return Ctor
    ? new Ctor({ captureContent: config.captureContent, attributeValueLengthLimit: config.attributeValueLengthLimit })
    : undefined;
}
