import { trace } from '@opentelemetry/api';
import { traced } from '../../src/memory/channels.js';
import {
  CaptureInstrumentation,
  EmbeddingInstrumentation,
  GitInstrumentation,
  IndexInstrumentation,
  MEMOTEL_INSTRUMENTATIONS,
  RecallInstrumentation,
} from '../../src/instrumentation/index.js';
import { setupTelemetry } from './helpers.js';

const telemetry = setupTelemetry();
const instances = Object.values(MEMOTEL_INSTRUMENTATIONS).map((Ctor) => new Ctor());
telemetry.use(...instances);

async function everyOperation(): Promise<string[]> {
  telemetry.reset();
  await traced('capture', () => ({ operation: 'capture', namespace: 'decisions', notesRef: 'r', repo: '/r', summary: 's', content: 'c', contentBytes: 1 }), async () => {
    await traced('git', () => ({ subcommand: 'notes', args: [], cwd: '/r' }), async () => {});
    await traced('embedding', () => ({ operation: 'embed', provider: 'p', model: 'm', local: true, inputCount: 1 }), async () => {});
    await traced('index', () => ({ operation: 'insert', repo: '/r' }), async () => {});
  });
  await traced('recall', () => ({ operation: 'search', repo: '/r' }), async () => {});
  return telemetry.spans.getFinishedSpans().map((s) => s.name).sort();
}

beforeEach(() => telemetry.reset());

const ALL = ['create_memory', 'embeddings m', 'git notes', 'index insert', 'search_memory'];

afterAll(async () => {
  for (const i of instances) i.disable();
  await telemetry.shutdown();
});

test('the name map covers the five instrumentations', () => {
  expect(Object.keys(MEMOTEL_INSTRUMENTATIONS).sort()).toEqual(['memotel-capture', 'memotel-embedding', 'memotel-git', 'memotel-index', 'memotel-recall']);
  expect(instances.map((i) => i.constructor)).toEqual([
    CaptureInstrumentation,
    RecallInstrumentation,
    EmbeddingInstrumentation,
    IndexInstrumentation,
    GitInstrumentation,
  ]);
  expect(instances.map((i) => i.instrumentationName)).toContain('memotel/instrumentation-git');
});

test('enabling twice subscribes once', async () => {
  instances.forEach((i) => i.enable());
  expect(await everyOperation()).toEqual(ALL);
});

test('disable() removes the spans of that instrumentation and nothing else; enable() brings them back', async () => {
  const git = instances.find((i) => i instanceof GitInstrumentation)!;
  git.disable();
  expect(await everyOperation()).toEqual(ALL.filter((n) => n !== 'git notes'));
  git.enable();
  expect(await everyOperation()).toEqual(ALL);
});

test('with every instrumentation disabled nobody listens, so publishers skip building the context', async () => {
  instances.forEach((i) => i.disable());
  let built = 0;
  await traced('capture', () => {
    built++;
    return { operation: 'capture', namespace: 'n', notesRef: 'r', repo: '/r', summary: '', content: '', contentBytes: 0 };
  }, async () => {});
  expect(built).toBe(0);
  expect(telemetry.spans.getFinishedSpans()).toEqual([]);
  instances.forEach((i) => i.enable());
});

test('constructed with enabled: false, an instrumentation emits nothing until enable()', async () => {
  instances.forEach((i) => i.disable());
  const capture = new CaptureInstrumentation({ enabled: false });
  telemetry.use(capture);
  await everyOperation();
  expect(telemetry.spans.getFinishedSpans()).toEqual([]);
  capture.setConfig({ enabled: true });
  capture.enable();
  expect(await everyOperation()).toEqual(['create_memory']);
  capture.disable();
  instances.forEach((i) => i.enable());
});

test('the active span inside an operation is the operation span, and it is restored afterwards', async () => {
  let inside: string | undefined;
  await trace.getTracer('t').startActiveSpan('outer', async (outer) => {
    await traced('recall', () => ({ operation: 'search', repo: '/r' }), async () => {
      inside = trace.getActiveSpan()?.spanContext().spanId;
    });
    expect(trace.getActiveSpan()).toBe(outer);
    outer.end();
  });
  const search = telemetry.spans.getFinishedSpans().find((s) => s.name === 'search_memory')!;
  expect(inside).toBe(search.spanContext().spanId);
});
