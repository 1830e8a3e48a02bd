// memotel store info|prune|clear: where the local store is, how big, and making it smaller.
import { parseBytes, parseChoice, parseDuration, stringOption, type ParsedArgs } from '../args.js';
import type { CommandDefinition } from '../command.js';
import { configOf, type CliContext } from '../context.js';
import { EXIT_OK, EXIT_USAGE, usageError } from '../errors.js';
import { formatBytes, formatTime, plural } from '../printers/format.js';
import { styleFor } from '../printers/style.js';
import { renderTable } from '../printers/table.js';
import { STORE_SIGNALS, signalBudget } from '../../store/layout.js';
import { clearStore, pruneStore } from '../../store/maintenance.js';
import { PIPELINE_STATUS_FILE } from '../../store/pipeline-status.js';
import { listStoreFiles } from '../../store/reader.js';
import fs from 'node:fs';
import path from 'node:path';

const ACTIONS = ['info', 'prune', 'clear'] as const;
type Action = (typeof ACTIONS)[number];

/** Which options each action takes. */
const ACTION_OPTIONS: Record<Action, readonly string[]> = {
  info: ['json'],
  prune: ['max-bytes', 'older-than', 'json'],
  clear: ['yes', 'json'],
};

export const storeCommand: CommandDefinition = {
  name: 'store',
  summary: 'Where the local store is and how big; prune or clear it.',
  usage: ['store info [--json]', 'store prune [--max-bytes SIZE] [--older-than DURATION] [--json]', 'store clear --yes [--json]'],
  description: `
info   the store directory, size and file count per signal, and its size bound
       (MEMOTEL_STORE_MAX_BYTES: each signal keeps at most a third of it).
prune  deletes rotated segments: those last written before --older-than, then the oldest
       until the store fits in --max-bytes. With neither, the configured bound applies.
       Active files (traces.jsonl, metrics.jsonl, logs.jsonl) are never pruned: running
       apps append to them.
clear  deletes every telemetry file in the store (active and rotated). Asks for --yes.`,
  options: {
    'max-bytes': { type: 'string', value: 'SIZE', description: 'prune: keep the store within SIZE (bytes, or e.g. 512K, 10M, 1G).' },
    'older-than': { type: 'string', value: 'DURATION', description: 'prune: delete segments last written more than DURATION ago, e.g. 2h, 7d.' },
    yes: { type: 'boolean', short: 'y', description: 'clear: confirm deleting the store files.' },
    json: { type: 'boolean', description: 'Print JSON instead of text.' },
  },
  maxPositionals: 1,
  examples: [
    ['memotel store info', 'where the store is and what it holds'],
    ['memotel store prune --older-than 7d', 'drop segments older than a week'],
    ['memotel store prune --max-bytes 10M', 'shrink the store to 10 MiB'],
    ['memotel store clear --yes', 'start from an empty store'],
  ],
  async run(args, ctx) {
    const given = args.positionals[0];
    if (given === undefined) throw usageError(`missing action: use one of ${ACTIONS.join(', ')}`);
    const action = parseChoice('action', given, ACTIONS);
    for (const [name, value] of Object.entries(args.values)) {
      if (value !== undefined && name !== 'help' && !ACTION_OPTIONS[action].includes(name)) {
        throw usageError(`--${name} does not apply to store ${action}`);
      }
    }
    if (action === 'info') return info(args, ctx);
    if (action === 'prune') return prune(args, ctx);
    return clear(args, ctx);
  },
};

function info(args: ParsedArgs, ctx: CliContext): number {
  const { config, warnings } = configOf(ctx);
  const dir = config.store.dir;
  const storeWarnings = warnings.filter((w) => w.startsWith('MEMOTEL_STORE_'));
  for (const warning of storeWarnings) ctx.stderr.write(`memotel store: ${warning}\n`);
  const boundIsDefault = !ctx.env.MEMOTEL_STORE_MAX_BYTES || storeWarnings.some((w) => w.startsWith('MEMOTEL_STORE_MAX_BYTES'));
  const files = listStoreFiles(dir);
  const exists = fs.existsSync(dir);
  const perSignal = STORE_SIGNALS.map((signal) => {
    const own = files.filter((f) => f.signal === signal);
    return {
      signal,
      files: own.length,
      bytes: own.reduce((n, f) => n + f.size, 0),
      oldest: own.length ? Math.min(...own.map((f) => f.mtimeMs)) : undefined,
      newest: own.length ? Math.max(...own.map((f) => f.mtimeMs)) : undefined,
    };
  });
  const total = perSignal.reduce((n, s) => n + s.bytes, 0);
  const sendsToStore = STORE_SIGNALS.filter((s) => config.exporters[s].includes('store'));
  const statusFile = path.join(dir, PIPELINE_STATUS_FILE);

  if (args.values.json) {
    const json = {
      dir,
      exists,
      totalBytes: total,
      maxBytes: config.store.maxBytes,
      signalBudgetBytes: signalBudget(config.store.maxBytes),
      signals: perSignal.map((s) => ({
        signal: s.signal,
        files: s.files,
        bytes: s.bytes,
        lastWrite: s.newest === undefined ? null : new Date(s.newest).toISOString(),
      })),
      sendsToStore,
      pipelineStatusFile: fs.existsSync(statusFile) ? statusFile : null,
    };
    ctx.stdout.write(JSON.stringify(json, null, 2) + '\n');
    return EXIT_OK;
  }

  const style = styleFor(ctx);
  const lines = [`${style.bold('Store')}  ${dir}${exists ? '' : style.dim('  (not created yet)')}`, ''];
  const table = renderTable(
    [
      ['SIGNAL', 'FILES', 'SIZE', 'LAST WRITE'],
      ...perSignal.map((s) => [s.signal, String(s.files), formatBytes(s.bytes), s.newest === undefined ? '-' : formatTime(s.newest)]),
      ['total', String(files.length), formatBytes(total), ''],
    ],
    ['left', 'right', 'right', 'left'],
    '  ',
  );
  table[0] = style.dim(table[0]!);
  lines.push(...table, '');
  lines.push(
    `Bound  ${formatBytes(config.store.maxBytes)} (MEMOTEL_STORE_MAX_BYTES${boundIsDefault ? ', default' : ''}); each signal keeps at most ${formatBytes(signalBudget(config.store.maxBytes))}.`,
    '       Change it with MEMOTEL_STORE_MAX_BYTES=<bytes> (at least 65536) in the apps\' environment;',
    '       shrink now with memotel store prune --max-bytes SIZE.',
  );
  lines.push(
    sendsToStore.length > 0
      ? `Apps started with this environment send ${sendsToStore.join(', ')} here.`
      : 'Apps started with this environment send nothing here (an OTLP endpoint or exporter is configured).',
  );
  ctx.stdout.write(lines.join('\n') + '\n');
  return EXIT_OK;
}

function prune(args: ParsedArgs, ctx: CliContext): number {
  const { config } = configOf(ctx);
  const dir = config.store.dir;
  const maxRaw = stringOption(args.values, 'max-bytes');
  const olderRaw = stringOption(args.values, 'older-than');
  const maxBytes = maxRaw !== undefined ? parseBytes('--max-bytes', maxRaw) : olderRaw === undefined ? config.store.maxBytes : undefined;
  const olderThanMs = olderRaw !== undefined ? ctx.now() - parseDuration('--older-than', olderRaw) : undefined;
  const result = pruneStore(dir, { maxBytes, olderThanMs });

  if (args.values.json) {
    const json = {
      dir,
      removed: result.removed.map((f) => f.name),
      removedBytes: result.removedBytes,
      remainingBytes: result.remainingBytes,
    };
    ctx.stdout.write(JSON.stringify(json, null, 2) + '\n');
    return EXIT_OK;
  }
  const lines = [
    result.removed.length === 0
      ? `Nothing to prune in ${dir}.`
      : `Removed ${plural(result.removed.length, 'rotated segment')} (${formatBytes(result.removedBytes)}) from ${dir}.`,
    `The store now holds ${formatBytes(result.remainingBytes)}.`,
  ];
  if (maxBytes !== undefined && result.remainingBytes > maxBytes) {
    lines.push(`That is still above ${formatBytes(maxBytes)}: the rest is active files, which prune leaves to running apps (memotel store clear --yes empties them).`);
  }
  ctx.stdout.write(lines.join('\n') + '\n');
  return EXIT_OK;
}

function clear(args: ParsedArgs, ctx: CliContext): number {
  const dir = configOf(ctx).config.store.dir;
  if (!args.values.yes) {
    const files = listStoreFiles(dir);
    const size = formatBytes(files.reduce((n, f) => n + f.size, 0));
    ctx.stderr.write(
      `memotel store clear: this deletes ${plural(files.length, 'file')} (${size}) of telemetry in ${dir}.\n` +
        'Run again with --yes to confirm.\n',
    );
    return EXIT_USAGE;
  }
  const result = clearStore(dir);
  if (args.values.json) {
    ctx.stdout.write(JSON.stringify({ dir, removed: result.removed.map((f) => f.name), removedBytes: result.removedBytes }, null, 2) + '\n');
    return EXIT_OK;
  }
  ctx.stdout.write(`Removed ${plural(result.removed.length, 'file')} (${formatBytes(result.removedBytes)}) from ${dir}.\n`);
  return EXIT_OK;
}
