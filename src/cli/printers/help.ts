// Help pages: `memotel --help` lists commands, `memotel <command> --help` describes one.
import type { CommandDefinition } from '../command.js';
import { HELP_OPTION } from '../args.js';
import { renderTable } from './table.js';

export function commandHelp(command: CommandDefinition): string {
  const lines: string[] = ['Usage:'];
  for (const u of command.usage) lines.push(`  memotel ${u}`);
  lines.push('', command.description.trim(), '');
  const options = { ...command.options, ...HELP_OPTION };
  lines.push('Options:');
  const rows = Object.entries(options).map(([name, spec]) => [
    `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`,
    spec.description,
  ]);
  lines.push(...renderTable(rows, [], '  '));
  if (command.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const [example, meaning] of command.examples) lines.push(`  # ${meaning}`, `  ${example}`);
  }
  return lines.join('\n') + '\n';
}

export function generalHelp(commands: readonly CommandDefinition[], version: string): string {
  const lines = [
    `memotel ${version}: read the telemetry memotel keeps and check a memory setup.`,
    '',
    'Usage:',
    '  memotel <command> [options]',
    '  memotel help <command>',
    '',
    'Commands:',
    ...renderTable(
      commands.map((c) => [c.name, c.summary]),
      [],
      '  ',
    ),
    '',
    'Options:',
    '  -h, --help     Show help (also after a command).',
    '  -v, --version  Print the version.',
    '',
    'The store is read from MEMOTEL_STORE_DIR, else $XDG_STATE_HOME/memotel/store, else',
    '~/.local/state/memotel/store: where apps started with `node --import memotel/register`',
    'keep their telemetry when no OTLP endpoint is configured.',
  ];
  return lines.join('\n') + '\n';
}
