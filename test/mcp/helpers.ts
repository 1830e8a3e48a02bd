// MCP tests: a real client fixture and real servers (child processes) through the preload.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FIXTURES_DIR, PROJECT_ROOT, runFixture, type FixtureResult } from '../utils/fixtures.js';
import type { ReceivedSpan } from '../utils/otlp-receiver.js';

export const MCP_CLIENT = join(FIXTURES_DIR, 'mcp/client.cjs');
export const MCP_SERVER = join(FIXTURES_DIR, 'mcp/server.cjs');
export const SALT = 'mcp-test-salt';

export const CJS_PRELOAD = ['--require', join(PROJECT_ROOT, 'register.cjs')];
export const ESM_PRELOAD = ['--import', pathToFileURL(join(PROJECT_ROOT, 'register.js')).href];

export interface ToolCall {
  name: string;
  arguments?: Record<string, unknown>;
}

export interface Plan {
  server?: { command: string; args: string[]; env?: Record<string, string> };
  url?: string;
  calls: ToolCall[];
  /** The calls run with this raw id as the `session.id` baggage entry. */
  baggageSessionId?: string;
}

/** Runs the client fixture (through the CommonJS preload unless told otherwise). */
export function runClient(plan: Plan, env: Record<string, string | undefined>, register: 'cjs' | 'none' = 'cjs'): Promise<FixtureResult> {
  return runFixture({ script: MCP_CLIENT, args: [JSON.stringify(plan)], env, register });
}

/** The stdio server for a plan: the fixture server (or another script) through a preload. */
export function stdioServer(script: string, args: string[], preload: string[], env: Record<string, string> = {}): Plan['server'] {
  return { command: process.execPath, args: [...preload, script, ...args], env };
}

/** What memotel exports for a raw session id under MEMOTEL_SESSION_SALT=SALT. */
export function hashedSession(rawId: string): string {
  const key = createHash('sha256').update(SALT, 'utf8').digest();
  return createHmac('sha256', key).update(rawId, 'utf8').digest().subarray(0, 16).toString('hex');
}

export function spansOf(spans: readonly ReceivedSpan[], service: string): ReceivedSpan[] {
  return spans.filter((s) => s.resource['service.name'] === service);
}

export function findSpanOf(spans: readonly ReceivedSpan[], name: string, kind: ReceivedSpan['kind']): ReceivedSpan {
  const span = spans.find((s) => s.name === name && s.kind === kind);
  if (!span) throw new Error(`no ${kind} span "${name}"; received: ${spans.map((s) => `${s.kind} ${s.name}`).join(', ')}`);
  return span;
}

export interface LongRunning {
  child: ChildProcess;
  /** The line matched on stderr. */
  line: string;
  stderr(): string;
  /** SIGTERM, then the exit (memotel flushes on the way out). */
  stop(): Promise<void>;
}

/** Starts a server process and resolves once a stderr line matches `ready`. */
export function startProcess(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs = 20_000): Promise<LongRunning> {
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not get ready:\n${stderr}`));
    }, timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = ready.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({
          child,
          line: match[0],
          stderr: () => stderr,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.once('error', reject);
  });
}

/** The environment a test process gets: PATH and HOME only, plus what the test says. */
export function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, ...extra };
}
