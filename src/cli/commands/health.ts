// memotel health: is every part of a memory setup working, checked for real: git runs, the
// repository and its memory notes are readable, the index opens, the embedding provider
// answers, and the telemetry destination can take data.
import path from 'node:path';
import { stringOption } from '../args.js';
import type { CommandDefinition } from '../command.js';
import { configOf } from '../context.js';
import { EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { checkEmbedding, embeddingProviderFor } from '../health/embedding.js';
import { checkGit } from '../health/git.js';
import { checkLastExport } from '../health/last-export.js';
import { checkIndex, checkRepository } from '../health/repository.js';
import { checkTelemetry } from '../health/telemetry.js';
import { timingRows } from '../health/timing.js';
import type { ComponentResult } from '../health/types.js';
import { renderHealth, renderTiming } from '../printers/health.js';
import { styleFor } from '../printers/style.js';
import { QUANTILES, aggregateStoreMetrics } from '../../store/metrics.js';

export const healthCommand: CommandDefinition = {
  name: 'health',
  summary: 'Check git, the repository and its memories, the index, embeddings and telemetry.',
  usage: ['health [--repo DIR] [--timing] [--json]'],
  description: `
Checks each component for real and reports it with ✓ (ok), ! (works, with a warning),
✗ (broken) or - (skipped):
  git          git --version runs
  repository   DIR is in a git work tree; memories per namespace in refs/notes/mem/*
  index        the vector index for the configured model: records and file size
  embedding    one real embedding call to the provider MEMOTEL_EMBEDDING_* configures
               (5 s timeout and no retries unless MEMOTEL_EMBEDDING_TIMEOUT_MS or
               MEMOTEL_EMBEDDING_MAX_RETRIES are set), with its latency
  telemetry    where apps started with this environment send traces, metrics and logs:
               the store directory is writable, or the OTLP endpoint accepts a TCP
               connection within 1 s
  last export  the pipeline's record of export errors (pipeline-status.json in the store):
               broken when a signal's last error is newer than its last success
Exits 0 when nothing is broken, 1 otherwise (the broken components are named on stderr).`,
  options: {
    repo: { type: 'string', value: 'DIR', description: 'The repository the memories belong to (default: the current directory).' },
    timing: { type: 'boolean', description: 'Add latency percentiles per operation from the duration histograms in the store.' },
    json: { type: 'boolean', description: 'Print JSON instead of text.' },
  },
  maxPositionals: 0,
  examples: [
    ['memotel health', 'check the repository in the current directory'],
    ['memotel health --repo ~/src/project --timing', 'another repository, with latencies'],
    ['MEMOTEL_EMBEDDING_PROVIDER=openai-compatible MEMOTEL_EMBEDDING_URL=http://127.0.0.1:11434 MEMOTEL_EMBEDDING_MODEL=nomic-embed-text memotel health', 'check an Ollama setup'],
  ],
  async run(args, ctx) {
    const repoDir = path.resolve(ctx.cwd, stringOption(args.values, 'repo') ?? '.');
    const { config, warnings } = configOf(ctx);
    const embedding = embeddingProviderFor(ctx.env);

    // Independent checks run together; the index needs the repository's answer first.
    const [git, repoAndIndex, embeddingResult, telemetry] = await Promise.all([
      // Not in repoDir: a missing directory would read as a missing git.
      checkGit(ctx.cwd),
      checkRepository(repoDir).then(async ({ result, facts }) => [result, await checkIndex(facts, embedding.provider)] as const),
      checkEmbedding(embedding.provider, embedding.error),
      checkTelemetry(config, warnings),
    ]);
    const components: ComponentResult[] = [git, ...repoAndIndex, embeddingResult, telemetry, checkLastExport(config)];
    const broken = components.filter((c) => c.status === 'fail').map((c) => c.name);

    const aggregate = args.values.timing ? aggregateStoreMetrics(config.store.dir) : undefined;
    const timing = aggregate ? timingRows(aggregate) : undefined;

    if (args.values.json) {
      const json = {
        healthy: broken.length === 0,
        repo: repoDir,
        components: components.map((c) => ({
          name: c.name,
          status: c.status,
          summary: c.summary,
          details: c.details ?? [],
          latencyMs: c.latencyMs === undefined ? null : Math.round(c.latencyMs * 1000) / 1000,
          ...c.data,
        })),
        ...(timing && {
          timing: timing.map((r) => ({
            operation: r.operation,
            count: r.count,
            ...Object.fromEntries(QUANTILES.map((q, i) => [`p${Math.round(q * 100)}Seconds`, r.quantiles[i] ?? null])),
            maxSeconds: r.max ?? null,
          })),
        }),
      };
      ctx.stdout.write(JSON.stringify(json, null, 2) + '\n');
    } else {
      const style = styleFor(ctx);
      const lines = [style.bold(`memotel health`) + style.dim(`  (repository ${repoDir})`), '', ...renderHealth(components, style)];
      if (timing && aggregate) lines.push('', ...renderTiming(timing, aggregate.processes, style));
      lines.push('', broken.length === 0 ? style.ok('healthy') : style.error(`unhealthy: ${broken.join(', ')}`));
      ctx.stdout.write(lines.join('\n') + '\n');
    }
    if (broken.length === 0) return EXIT_OK;
    ctx.stderr.write(`memotel health: unhealthy: ${broken.join(', ')}\n`);
    return EXIT_FAILURE;
  },
};
