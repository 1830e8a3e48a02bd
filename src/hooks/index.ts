// `memotel/hooks`: run a Claude Code hook (or any host's short-lived hook process) with its
// telemetry, answer and exit handled. A light entry point: it loads @opentelemetry/api and
// api-logs only, never the SDK, so a hook pays almost nothing when memotel is not preloaded.
export { runHook } from './run-hook.js';
export { skip, type Skip } from './skip.js';
export type { HookAnswer, HookEvent, HookHandler, HookHandlerResult, HookOutcome, HookResult, RunHookOptions } from './types.js';
export { DEFAULT_BUDGET_MS, DEFAULT_FLUSH_TIMEOUT_MS } from './options.js';
