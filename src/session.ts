// `memotel/session`: declaring the session of the work inside a function. A light entry point:
// it loads only @opentelemetry/api, so apps can import it whether or not memotel is preloaded.
export { withSession, currentRawSessionId } from './processors/session-context.js';
