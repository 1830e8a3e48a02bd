// What a command file exports: its help text beside its code, and run().
import type { OptionSpecs, ParsedArgs } from './args.js';
import type { CliContext } from './context.js';

export interface CommandDefinition {
  name: string;
  /** One line, for `memotel --help`. */
  summary: string;
  /** Usage lines without the leading "memotel ". */
  usage: string[];
  /** Paragraphs for `memotel <command> --help`. */
  description: string;
  options: OptionSpecs;
  /** Positional arguments accepted at most. */
  maxPositionals: number;
  examples: Array<[command: string, meaning: string]>;
  /** Resolves to the exit code. */
  run(args: ParsedArgs, ctx: CliContext): Promise<number>;
}
