// Every name memotel/hooks emits. No convention covers hooks: memotel.hook.* (documented in
// docs/hooks.md). Stable names come from @opentelemetry/semantic-conventions; gen_ai.* is copied
// as a constant because the GenAI conventions are not stable.
export {
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';

export const HOOKS_SCOPE_NAME = 'memotel/hooks' as const;

/** Span name: `hook {memotel.hook.event}`. */
export const HOOK_SPAN_NAME_PREFIX = 'hook' as const;

export const ATTR_MEMOTEL_HOOK_EVENT = 'memotel.hook.event' as const;
export const ATTR_MEMOTEL_HOOK_OUTCOME = 'memotel.hook.outcome' as const;
/** The budget, in seconds. */
// Not 'memotel.hook.budget': a name must not be both an attribute and a namespace (budget.used).
export const ATTR_MEMOTEL_HOOK_BUDGET = 'memotel.hook.budget.limit' as const;
/** Time from process start to the answer, as a fraction of the budget (above 1 when overrun). */
export const ATTR_MEMOTEL_HOOK_BUDGET_USED = 'memotel.hook.budget.used' as const;
export const ATTR_MEMOTEL_HOOK_SKIP_REASON = 'memotel.hook.skip.reason' as const;
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name' as const;

/** error.type of a hook cut off at its budget (the value semconv suggests for timeouts). */
export const ERROR_TYPE_VALUE_TIMEOUT = 'timeout' as const;
/** memotel.hook.event when the event is unknown (bad input) or not a plain event name. */
export const HOOK_EVENT_VALUE_OTHER = '_OTHER' as const;

/** Event name of the log record a failed hook emits (semconv v1.40 exception-as-log). */
export const HOOK_EXCEPTION_EVENT_NAME = 'memotel.hook.exception' as const;

export const METRIC_MEMOTEL_HOOK_DURATION = 'memotel.hook.duration' as const;
export const METRIC_MEMOTEL_HOOK_INVOCATIONS = 'memotel.hook.invocations' as const;
export const METRIC_MEMOTEL_HOOK_BUDGET_USED = 'memotel.hook.budget.used' as const;

/** The GenAI operation-duration buckets (semconv), in seconds: hooks and memory operations on one scale. */
export { GEN_AI_DURATION_BUCKETS as HOOK_DURATION_BUCKETS } from '../instrumentation/semconv.js';
/** Fractions of the budget: fine-grained near 1, where a hook starts being cut off. */
export const HOOK_BUDGET_USED_BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 1, 1.5, 2];
