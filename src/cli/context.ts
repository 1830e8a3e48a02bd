// Everything a command touches outside its arguments, passed in so tests can run the CLI
// in-process with their own streams, environment and clock.
import os from 'node:os';
import { resolveConfig, type Env, type MemotelConfig } from '../config/index.js';

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliContext {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Env;
  /** Directory relative paths (and the default repository) resolve against. */
  cwd: string;
  now(): number;
}

export function processContext(): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    now: () => Date.now(),
  };
}

/** The configuration an app started with this environment would use. */
export function configOf(ctx: CliContext): { config: MemotelConfig; warnings: string[] } {
  return resolveConfig(ctx.env, { homedir: os.homedir() });
}

/** The store directory, as the register resolves it (MEMOTEL_STORE_DIR, XDG_STATE_HOME, HOME). */
export function storeDirOf(ctx: CliContext): string {
  return configOf(ctx).config.store.dir;
}
