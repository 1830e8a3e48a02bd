// Without memotel's context manager (the classes used with another SDK) spans are still
// produced, but nested operations cannot become children; once memotel's manager exists they do.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { traced } from '../../src/memory/channels.js';
import { CaptureInstrumentation, GitInstrumentation } from '../../src/instrumentation/index.js';
import { activeContextStorage, MemotelContextManager } from '../../src/sdk/context-manager.js';
import { isChildOf, setupTelemetry, spanNamed } from './helpers.js';

const telemetry = setupTelemetry({ contextManager: false });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const capture = new CaptureInstrumentation();
const git = new GitInstrumentation();
telemetry.use(capture, git);

async function captureWithGit(): Promise<void> {
  telemetry.reset();
  await trace.getTracer('app').startActiveSpan('request', async (request) => {
    await traced('capture', () => ({ operation: 'capture', namespace: 'decisions', notesRef: 'r', repo: '/r', summary: '', content: '', contentBytes: 0 }), async () => {
      await traced('git', () => ({ subcommand: 'notes', args: [], cwd: '/r' }), async () => {});
    });
    request.end();
  });
}

afterAll(async () => {
  capture.disable();
  git.disable();
  await telemetry.shutdown();
});

test('without memotel context storage, spans are siblings under the active span', async () => {
  expect(activeContextStorage()).toBeUndefined();
  await captureWithGit();
  const spans = telemetry.spans.getFinishedSpans();
  const request = spanNamed(spans, 'request');
  expect(isChildOf(spanNamed(spans, 'create_memory'), request)).toBe(true);
  expect(isChildOf(spanNamed(spans, 'git notes'), request)).toBe(true);
});

test('once memotel context manager exists (constructed after the instrumentations), operations nest', async () => {
  context.disable();
  context.setGlobalContextManager(new MemotelContextManager().enable());
  await captureWithGit(); // the first operations notice the storage and bind it
  await captureWithGit();
  const spans = telemetry.spans.getFinishedSpans();
  const request = spanNamed(spans, 'request');
  const captureSpan = spanNamed(spans, 'create_memory');
  expect(isChildOf(captureSpan, request)).toBe(true);
  expect(isChildOf(spanNamed(spans, 'git notes'), captureSpan)).toBe(true);
});
