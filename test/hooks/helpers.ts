// Running hooks as Claude Code would: a child process under the register, the event on stdin,
// telemetry sent to the test receiver.
import { join } from 'node:path';
import type { ReceivedMetric, ReceivedPoint, Receiver } from '../utils/otlp-receiver.js';
import { PROJECT_ROOT, runFixture, type FixtureResult } from '../utils/fixtures.js';

export { EXAMPLE_APP as APP } from '../utils/harness.js';
export const HOOK_FIXTURES = join(PROJECT_ROOT, 'test/fixtures/hooks');

export interface HookRun {
  /** A file in test/fixtures/hooks/, or an absolute path. */
  script: string;
  args?: string[];
  event: object | string;
  env?: Record<string, string | undefined>;
  /** runHook options for the fixture hooks (HOOK_OPTIONS). */
  options?: object;
  register?: 'esm' | 'none';
  /** Node binary (default: the one running the tests). */
  node?: string;
  timeoutMs?: number;
}

export function runHookProcess(run: HookRun): Promise<FixtureResult> {
  return runFixture({
    script: run.script.startsWith('/') ? run.script : join(HOOK_FIXTURES, run.script),
    args: run.args,
    register: run.register ?? 'esm',
    stdin: typeof run.event === 'string' ? run.event : JSON.stringify(run.event),
    env: { HOOK_OPTIONS: run.options ? JSON.stringify(run.options) : undefined, ...run.env },
    timeoutMs: run.timeoutMs,
    node: run.node,
  });
}

/** Environment that sends everything to the receiver and keeps the session key and store in home. */
export function receiverEnv(receiver: Receiver, home: string): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl, HOME: home, MEMOTEL_STORE_DIR: join(home, 'store') };
}

/** The points of a metric whose attributes include `attributes`. */
export function pointsOf(metrics: ReceivedMetric[], name: string, attributes: Record<string, unknown>): ReceivedPoint[] {
  return metrics
    .filter((m) => m.name === name)
    .flatMap((m) => m.points)
    .filter((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v));
}

export function metricNamed(metrics: ReceivedMetric[], name: string): ReceivedMetric {
  const found = metrics.find((m) => m.name === name);
  if (!found) throw new Error(`no metric ${name}; received: ${metrics.map((m) => m.name).join(', ')}`);
  return found;
}

/** Everything received, as text, to search for what must not be there. */
