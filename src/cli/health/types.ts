// One line of `memotel health`: a component, how it is, and why.
export type ComponentStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface ComponentResult {
  /** git, repository, index, embedding, telemetry, last export. */
  name: string;
  status: ComponentStatus;
  summary: string;
  /** Further lines shown under the summary. */
  details?: string[];
  latencyMs?: number;
  /** Machine-readable facts for --json. */
  data?: Record<string, unknown>;
}

export function failed(name: string, error: unknown, latencyMs?: number): ComponentResult {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown })?.code;
  return {
    name,
    status: 'fail',
    summary: message,
    ...(latencyMs !== undefined && { latencyMs }),
    ...(typeof code === 'string' && { data: { code } }),
  };
}

/** Runs `fn` and returns its result with the time it took. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}
