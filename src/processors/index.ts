// memotel's span and log processors, the baggage sanitiser and silent-failure recording.
export { FailureSpanProcessor } from './failures.js';
export { SessionLogRecordProcessor, SessionSpanProcessor, type SessionProcessorOptions } from './session.js';
export { loadSessionKey, SessionIdHasher, type SessionKeyOptions } from './session-key.js';
export {
  currentRawSessionId,
  HASHED_SESSION_PROPERTY,
  SESSION_ID_BAGGAGE_KEY,
  withSession,
} from './session-context.js';
export { SessionSafeBaggagePropagator, type SessionSafeBaggageOptions } from './session-propagator.js';
export { UrlSessionSpanProcessor, redactSessionParams } from './url-session.js';
export { SilentFailureRecorder, type SilentFailureRecorderOptions } from './silent-failures.js';
