// Argument parsing (node:util parseArgs, strict) and the value parsers commands share.
// Every failure is a usage error that names the argument.
import { parseArgs } from 'node:util';
import { usageError } from './errors.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown in help, e.g. N or DURATION. */
  value?: string;
  description: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export const HELP_OPTION: OptionSpecs = {
  help: { type: 'boolean', short: 'h', description: 'Show this help.' },
};

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Node's parseArgs message, first sentence only ("Unknown option '--x'"), lower-cased. */
function shortReason(message: string): string {
  const first = message.split(/\.\s/)[0]!.replace(/\.$/, '');
  return first.charAt(0).toLowerCase() + first.slice(1);
}

export function parseCommandArgs(argv: readonly string[], options: OptionSpecs, maxPositionals: number): ParsedArgs {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries({ ...options, ...HELP_OPTION })) {
    config[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: true });
  } catch (error) {
    throw usageError(shortReason((error as Error).message));
  }
  const values = parsed.values as ParsedArgs['values'];
  if (!values.help && parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals[maxPositionals]!;
    throw usageError(`unexpected argument '${extra}'`);
  }
  return { values, positionals: parsed.positionals };
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** "90s", "10m", "2h", "1d", "1.5h" → milliseconds. */
export function parseDuration(option: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(raw.trim());
  if (!match) throw usageError(`${option} "${raw}" is not a duration: use a number and a unit (ms, s, m, h, d, w), e.g. 10m, 2h, 1d`);
  return Number(match[1]) * DURATION_UNITS[match[2]!]!;
}

const BYTE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "1048576", "512K", "10M", "1G" (binary units; a trailing B or iB is accepted) → bytes. */
export function parseBytes(option: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(raw.trim());
  if (!match) throw usageError(`${option} "${raw}" is not a size: use bytes or a number with K, M or G, e.g. 10M`);
  return Math.floor(Number(match[1]) * BYTE_UNITS[match[2]!.toLowerCase()]!);
}

export function parsePositiveInteger(option: string, raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw usageError(`${option} "${raw}" is not a whole number of at least 1`);
  }
  return n;
}

export function parseChoice<T extends string>(option: string, raw: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw usageError(`${option} "${raw}" is not one of ${choices.join(', ')}`);
}

/**
 * A name matcher: with `*` a glob over the whole name (`memotel.*`, `*duration`); without, a
 * substring match (`git` matches memotel.git.command.duration).
 */
export function nameMatcher(pattern: string): (name: string) => boolean {
  if (!pattern.includes('*')) return (name) => name.includes(pattern);
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const re = new RegExp(`^${source}$`);
  return (name) => re.test(name);
}

export function stringOption(values: ParsedArgs['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}
