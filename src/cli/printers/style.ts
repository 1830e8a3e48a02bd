// Colour for terminals, plain text for everything else: ANSI codes only when stdout is a
// TTY, NO_COLOR is unset (https://no-color.org) and TERM is not dumb; FORCE_COLOR overrides.
import type { CliContext } from '../context.js';

export interface Style {
  ok(text: string): string;
  error(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const paint = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;

export function colourEnabled(ctx: CliContext): boolean {
  const { env } = ctx;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return ctx.stdout.isTTY === true;
}

export function styleFor(ctx: CliContext): Style {
  if (!colourEnabled(ctx)) return { ok: plain, error: plain, warn: plain, dim: plain, bold: plain };
  return { ok: paint(32, 39), error: paint(31, 39), warn: paint(33, 39), dim: paint(2, 22), bold: paint(1, 22) };
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** Characters on screen (ANSI codes take none). */
export function visibleLength(text: string): number {
  return [...text.replace(ANSI, '')].length;
}
