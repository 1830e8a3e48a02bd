// The collector configurations: they parse, their pipelines are wired to components they define,
// every component exists in the targeted otelcol-contrib release, and the memotel-specific
// duties (content stripping, store-and-forward, delta to cumulative, sampling) are in place.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { ATTR_GEN_AI_MEMORY_QUERY_TEXT, ATTR_GEN_AI_MEMORY_RECORDS } from '../../src/instrumentation/semconv.js';
import {
  COLLECTOR_CONFIGS,
  COLLECTOR_DIR,
  COMPONENT_CLASSES,
  componentType,
  pipelineSignal,
  pipelinesOf,
  readCollectorConfig,
  readContribComponents,
  transformStatements,
  type CollectorConfig,
} from './collector-config.js';

const contrib = readContribComponents();

/** Attributes that carry memory or prompt content: never exported, whoever set them. */
const CONTENT_ATTRIBUTES = [
  ATTR_GEN_AI_MEMORY_QUERY_TEXT,
  ATTR_GEN_AI_MEMORY_RECORDS,
  'gen_ai.prompt',
  'gen_ai.completion',
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.retrieval.documents',
  'gen_ai.retrieval.query.text',
];

it('every YAML file in otel-collector/ parses, without duplicate keys', () => {
  const files = (readdirSync(COLLECTOR_DIR, { recursive: true }) as string[]).filter((f) => /\.ya?ml$/.test(f)).sort();
  expect(files.length).toBeGreaterThanOrEqual(9);
  for (const file of files) {
    const doc = parseDocument(readFileSync(join(COLLECTOR_DIR, file), 'utf8'), { uniqueKeys: true });
    expect({ file, errors: doc.errors.map((e) => e.message) }).toEqual({ file, errors: [] });
    expect(doc.toJS()).toBeInstanceOf(Object);
  }
});

describe.each(COLLECTOR_CONFIGS)('%s', (file) => {
  const config: CollectorConfig = readCollectorConfig(file);
  const pipelines = Object.entries(config.service.pipelines);

  it('is valid YAML without duplicate keys', () => {
    const doc = parseDocument(readFileSync(join(COLLECTOR_DIR, file), 'utf8'), { uniqueKeys: true });
    expect(doc.errors).toEqual([]);
    expect(pipelines.length).toBeGreaterThan(0);
  });

  it('names in its pipelines only components it defines, and defines none it does not use', () => {
    const used = new Set<string>();
    for (const [id, pipeline] of pipelines) {
      expect(['traces', 'metrics', 'logs']).toContain(pipelineSignal(id));
      for (const cls of ['receivers', 'processors', 'exporters'] as const) {
        for (const name of pipeline[cls] ?? []) {
          expect({ pipeline: id, [cls]: name, defined: Object.keys(config[cls] ?? {}).includes(name) }).toMatchObject({ defined: true });
          used.add(`${cls}:${name}`);
        }
      }
      expect(pipeline.receivers?.length).toBeGreaterThan(0);
      expect(pipeline.exporters?.length).toBeGreaterThan(0);
    }
    for (const name of config.service.extensions ?? []) {
      expect({ extension: name, defined: Object.keys(config.extensions ?? {}).includes(name) }).toMatchObject({ defined: true });
      used.add(`extensions:${name}`);
    }
    for (const cls of ['receivers', 'processors', 'exporters', 'extensions'] as const) {
      for (const name of Object.keys(config[cls] ?? {})) expect({ unused: `${cls}:${name}`, used: used.has(`${cls}:${name}`) }).toMatchObject({ used: true });
    }
  });

  it(`uses only component types of ${contrib.distribution} ${contrib.version}, by their current names`, () => {
    for (const cls of COMPONENT_CLASSES) {
      for (const id of Object.keys(config[cls] ?? {})) {
        const type = componentType(id);
        const replacement = contrib.deprecatedAliases[cls]?.[type];
        expect({ component: `${cls}/${id}`, deprecatedAliasOf: replacement }).toEqual({ component: `${cls}/${id}`, deprecatedAliasOf: undefined });
        expect({ component: `${cls}/${id}`, inDistribution: type in contrib.components[cls] }).toEqual({ component: `${cls}/${id}`, inDistribution: true });
      }
    }
  });

  it('states the collector release it targets, the one the component list comes from', () => {
    expect(readFileSync(join(COLLECTOR_DIR, file), 'utf8')).toContain(`otelcol-contrib ${contrib.version}`);
  });

  it('runs the health_check extension', () => {
    expect(config.service.extensions).toContain('health_check');
  });

  it('puts memory_limiter first and batch last in every pipeline', () => {
    for (const [id, pipeline] of pipelines) {
      const processors = pipeline.processors ?? [];
      expect({ pipeline: id, first: processors[0] }).toEqual({ pipeline: id, first: 'memory_limiter' });
      expect({ pipeline: id, last: processors.at(-1) }).toEqual({ pipeline: id, last: 'batch' });
    }
  });

  it('deletes memory-content attributes from spans, span events and logs before anything is exported', () => {
    for (const signal of ['traces', 'logs'] as const) {
      for (const [id, pipeline] of pipelinesOf(config, signal)) {
        const transforms = (pipeline.processors ?? []).filter((p) => componentType(p) === 'transform');
        expect({ pipeline: id, transforms: transforms.length }).toEqual({ pipeline: id, transforms: 1 });
        const processor = config.processors![transforms[0]!];
        const contexts = signal === 'traces' ? (['span', 'spanevent'] as const) : (['log'] as const);
        for (const context of contexts) {
          const statements = transformStatements(processor, signal === 'traces' ? 'trace' : 'log', context);
          for (const attribute of CONTENT_ATTRIBUTES) {
            expect({ pipeline: id, context, attribute, deleted: statements.includes(`delete_key(attributes, "${attribute}")`) }).toMatchObject({ deleted: true });
          }
        }
      }
    }
  });
});

describe('store-and-forward (collector.yaml and agent.yaml)', () => {
  it.each(['collector.yaml', 'agent.yaml'])('%s reads each signal of the store with its own otlp_json_file receiver, from the start, with offsets kept on disk', (file) => {
    const config = readCollectorConfig(file);
    for (const signal of ['traces', 'metrics', 'logs']) {
      const id = `otlp_json_file/${signal}`;
      const receiver = config.receivers![id] as { include: string[]; start_at: string; storage: string };
      expect(receiver.include).toEqual([`\${env:MEMOTEL_STORE_DIR}/${signal}.jsonl`, `\${env:MEMOTEL_STORE_DIR}/${signal}-*.jsonl`]);
      expect(receiver.start_at).toBe('beginning');
      expect(config.service.extensions).toContain(receiver.storage);
      expect(componentType(receiver.storage)).toBe('file_storage');
      const readers = pipelinesOf(config, signal).filter(([, p]) => p.receivers?.includes(id));
      expect(readers).toHaveLength(1);
    }
  });

  it.each(['collector.yaml', 'agent.yaml'])('%s turns the store\'s delta metrics cumulative, per service rather than per process', (file) => {
    const config = readCollectorConfig(file);
    const [[, storePipeline]] = pipelinesOf(config, 'metrics').filter(([, p]) => p.receivers?.includes('otlp_json_file/metrics'));
    const processors = storePipeline!.processors!;
    expect(processors).toContain('deltatocumulative');
    // Identity must go before accumulation, or every process stays its own stream.
    expect(processors.indexOf('resource/drop_process_identity')).toBeLessThan(processors.indexOf('deltatocumulative'));
    const dropped = (config.processors!['resource/drop_process_identity'].attributes as { key: string; action: string }[])
      .filter((a) => a.action === 'delete')
      .map((a) => a.key);
    expect(dropped).toContain('service.instance.id');
  });
});

describe('metrics path the dashboards assume', () => {
  it('collector.yaml exposes metrics with the prometheus exporter, names translated with unit and type suffixes', () => {
    const config = readCollectorConfig('collector.yaml');
    expect(config.exporters!.prometheus.translation_strategy).toBe('UnderscoreEscapingWithSuffixes');
    for (const [, pipeline] of pipelinesOf(config, 'metrics')) expect(pipeline.exporters).toEqual(['prometheus']);
    const scrape = readFileSync(join(COLLECTOR_DIR, 'prometheus/prometheus.yaml'), 'utf8');
    expect(scrape).toContain(`otel-collector:${config.exporters!.prometheus.endpoint.split(':').pop()}`);
  });
});

describe('scale-out', () => {
  it('agent.yaml routes spans to the gateways by trace id, with a persistent queue', () => {
    const config = readCollectorConfig('agent.yaml');
    const lb = config.exporters!.load_balancing;
    expect(lb.routing_key).toBe('traceID');
    expect(lb.resolver.dns.hostname).toBe('${env:OTELCOL_GATEWAY}');
    expect(Object.keys(config.extensions!)).toContain(lb.sending_queue.storage);
    for (const [, pipeline] of pipelinesOf(config, 'traces')) expect(pipeline.exporters).toEqual(['load_balancing']);
  });

  it('gateway.yaml keeps every error trace and every slow trace, and a ratio of the rest', () => {
    const config = readCollectorConfig('gateway.yaml');
    const policies = config.processors!.tail_sampling.policies as { type: string; [k: string]: any }[];
    const byType = (type: string) => policies.filter((p) => p.type === type);
    expect(byType('status_code').map((p) => p.status_code.status_codes)).toEqual([['ERROR']]);
    expect(byType('latency')).toHaveLength(1);
    expect(byType('probabilistic')).toHaveLength(1);
    const [[, traces]] = pipelinesOf(config, 'traces');
    expect(traces!.processors).toContain('tail_sampling');
    // Sampling before batching: batches should only ever hold kept spans.
    expect(traces!.processors!.indexOf('tail_sampling')).toBeLessThan(traces!.processors!.indexOf('batch'));
  });
});
