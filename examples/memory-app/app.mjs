#!/usr/bin/env node
// memory-app: a small memory service built on memotel/memory, written as a user would.
//
//   app.mjs capture --namespace NS --summary S [--content C] [--repo DIR]
//   app.mjs recall QUERY [--k N] [--namespace NS] [--repo DIR]
//   app.mjs reindex [--repo DIR]         (rebuild the search index from the notes, e.g. after a fetch)
//   app.mjs hook [--budget-ms N] [--repo DIR]  (Claude Code hook: event JSON on stdin; memotel/hooks)
//   app.mjs serve [--port N] [--repo DIR]
//   app.mjs mcp [--repo DIR]             (MCP server over stdio: capture and recall as tools)
//
// Results are JSON on stdout (in mcp mode stdout is the protocol's); errors are one line on
// stderr ("memory-app: ...") with exit code 2 for usage mistakes and 1 otherwise. The hook
// never exits 2: Claude Code reads exit 2 as "block this prompt", and a broken memory must not
// block the user.
// Logs go to stderr through pino (MEMOTEL_LOG_LEVEL, default warn).
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createMemoryStore, embeddingConfigFromEnv, isMemotelError, INPUT_ERROR_CODES } from 'memotel/memory';
import { runHook } from 'memotel/hooks';
import { handleHookEvent } from './hook.mjs';
import { createServer } from './server.mjs';

class UsageError extends Error {}

// Claude Code's own hook timeout is 60 s by default; a memory lookup should answer well before.
const DEFAULT_HOOK_BUDGET_MS = 10_000;

const logger = pino({ level: process.env.MEMOTEL_LOG_LEVEL ?? 'warn' }, pino.destination(2));

const COMMANDS = {
  capture: {
    options: { namespace: { type: 'string' }, summary: { type: 'string' }, content: { type: 'string' } },
    async run({ values }, store) {
      if (!values.namespace) throw new UsageError('capture needs --namespace');
      if (values.summary === undefined) throw new UsageError('capture needs --summary');
      printJson(await store.capture({ namespace: values.namespace, summary: values.summary, content: values.content ?? '' }));
    },
  },
  recall: {
    options: { k: { type: 'string' }, namespace: { type: 'string' } },
    async run({ values, positionals }, store) {
      const query = positionals.join(' ');
      if (!query) throw new UsageError('recall needs a QUERY');
      const k = values.k === undefined ? undefined : Number(values.k);
      if (k !== undefined && !Number.isInteger(k)) throw new UsageError(`--k must be a whole number, got "${values.k}"`);
      printJson(await store.search(query, { k, namespace: values.namespace }));
    },
  },
  reindex: {
    options: {},
    async run(_args, store) {
      printJson(await store.reindex());
    },
  },
  hook: {
    options: { 'budget-ms': { type: 'string' } },
    async run({ values }, store) {
      const budgetMs = Number(values['budget-ms'] ?? process.env.MEMOTEL_HOOK_BUDGET_MS ?? DEFAULT_HOOK_BUDGET_MS);
      if (!(budgetMs > 0)) throw new UsageError(`--budget-ms (or MEMOTEL_HOOK_BUDGET_MS) must be a positive number, got "${values['budget-ms'] ?? process.env.MEMOTEL_HOOK_BUDGET_MS}"`);
      // runHook reads the event, applies its session (memotel exports only a keyed hash of it),
      // prints the one answer, and sets the exit code: 1 on any failure, never 2.
      await runHook((event) => handleHookEvent(event, store), { budgetMs, name: 'memory-app' });
    },
  },
  serve: {
    options: { port: { type: 'string' } },
    async run({ values }, store) {
      const port = values.port === undefined ? 0 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got "${values.port}"`);
      const server = createServer(store, logger);
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
      process.stderr.write(`listening on http://127.0.0.1:${server.address().port}\n`);
    },
  },
  mcp: {
    options: {},
    async run(_args, store) {
      // Loaded only in this mode: the other commands never pay for the SDK.
      const { serveMcp } = await import('./mcp.mjs');
      await serveMcp(store, logger);
    },
  },
};

async function main(argv) {
  const [name, ...rest] = argv;
  const command = COMMANDS[name];
  if (!command) {
    throw new UsageError(`${name ? `unknown command "${name}"` : 'missing command'}; commands: ${Object.keys(COMMANDS).join(', ')}`);
  }
  let args;
  try {
    args = parseArgs({ args: rest, options: { ...command.options, repo: { type: 'string' } }, allowPositionals: name === 'recall' });
  } catch (error) {
    throw new UsageError(error.message);
  }
  const store = createMemoryStore({
    repo: args.values.repo ?? process.cwd(),
    embedding: embeddingConfigFromEnv(process.env),
    logger,
  });
  await command.run(args, store);
}

function printJson(value) {
  process.stdout.write(JSON.stringify(value) + '\n');
}

function exitCodeFor(error, command) {
  if (command === 'hook') return 1;
  if (error instanceof UsageError) return 2;
  if (isMemotelError(error) && INPUT_ERROR_CODES.has(error.code)) return 2;
  return 1;
}

const command = process.argv[2];
main(process.argv.slice(2)).catch((error) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`memory-app: ${message}\n`);
  if (!isMemotelError(error) && !(error instanceof UsageError)) logger.debug({ err: error }, 'command failed');
  // A hook that failed before runHook took over (bad option, bad configuration) still answers JSON.
  if (command === 'hook') process.stdout.write('{}\n');
  process.exitCode = exitCodeFor(error, command);
});
