// Dispatch: finds the command, parses its arguments, runs it, and turns errors into exit codes
// (2 for usage mistakes, 1 for failures, with a "this is a bug" hint for the unexpected).
import { VERSION } from '../version.js';
import { parseCommandArgs } from './args.js';
import type { CommandDefinition } from './command.js';
import { healthCommand } from './commands/health.js';
import { metricsCommand } from './commands/metrics.js';
import { storeCommand } from './commands/store.js';
import { tracesCommand } from './commands/traces.js';
import type { CliContext } from './context.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, isMemotelError, isUsageError, usageError } from './errors.js';
import { commandHelp, generalHelp } from './printers/help.js';

export const COMMANDS: readonly CommandDefinition[] = [tracesCommand, metricsCommand, healthCommand, storeCommand];

function findCommand(name: string): CommandDefinition {
  const command = COMMANDS.find((c) => c.name === name);
  if (command) return command;
  throw usageError(`unknown command '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
}

/** Runs one invocation; resolves to the exit code (the bin sets process.exitCode). */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  let commandName: string | undefined;
  try {
    const [first, ...rest] = argv;
    if (first === undefined) {
      ctx.stderr.write(generalHelp(COMMANDS, VERSION));
      throw usageError('missing command');
    }
    if (first === '--help' || first === '-h') {
      ctx.stdout.write(generalHelp(COMMANDS, VERSION));
      return EXIT_OK;
    }
    if (first === '--version' || first === '-v') {
      ctx.stdout.write(`${VERSION}\n`);
      return EXIT_OK;
    }
    if (first === 'help') {
      if (rest.length > 1) throw usageError(`unexpected argument '${rest[1]}'`);
      ctx.stdout.write(rest[0] === undefined ? generalHelp(COMMANDS, VERSION) : commandHelp(findCommand(rest[0])));
      return EXIT_OK;
    }
    if (first.startsWith('-')) throw usageError(`unknown option '${first}' (options go after the command)`);
    const command = findCommand(first);
    commandName = command.name;
    const args = parseCommandArgs(rest, command.options, command.maxPositionals);
    if (args.values.help) {
      ctx.stdout.write(commandHelp(command));
      return EXIT_OK;
    }
    return await command.run(args, ctx);
  } catch (error) {
    return reportError(error, commandName, ctx);
  }
}

function reportError(error: unknown, commandName: string | undefined, ctx: CliContext): number {
  const prefix = commandName ? `memotel ${commandName}` : 'memotel';
  if (isUsageError(error)) {
    ctx.stderr.write(`${prefix}: ${error.message}\nRun '${prefix} --help' for usage.\n`);
    return EXIT_USAGE;
  }
  if (isMemotelError(error)) {
    ctx.stderr.write(`${prefix}: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  ctx.stderr.write(
    `${prefix}: unexpected error: ${message}\n` +
      'This is a bug in memotel: please report it with the command you ran' +
      (ctx.env.MEMOTEL_DEBUG ? '.\n' : ' (MEMOTEL_DEBUG=1 prints the stack trace).\n'),
  );
  if (ctx.env.MEMOTEL_DEBUG && error instanceof Error && error.stack) ctx.stderr.write(`${error.stack}\n`);
  return EXIT_FAILURE;
}
