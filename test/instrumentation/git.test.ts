import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { traced, type GitContext } from '../../src/memory/channels.js';
import { MemotelError } from '../../src/memory/errors.js';
import { GitInstrumentation } from '../../src/instrumentation/index.js';
import { pointWith, setupTelemetry, spanNamed } from './helpers.js';

const telemetry = setupTelemetry();
const git = new GitInstrumentation();
telemetry.use(git);

const NOTES: GitContext = {
  subcommand: 'notes',
  args: ['notes', '--ref', 'refs/notes/mem/decisions', 'show', 'abc1234'],
  cwd: '/home/alice/secret-project',
  notesRef: 'refs/notes/mem/decisions',
};

beforeEach(() => telemetry.reset());
afterAll(async () => {
  git.disable();
  await telemetry.shutdown();
});

test('a git run is an INTERNAL `git {subcommand}` span without arguments or paths by default', async () => {
  await traced('git', () => ({ ...NOTES }), async (ctx) => {
    ctx!.exitCode = 0;
  });
  const span = spanNamed(telemetry.spans.getFinishedSpans(), 'git notes');
  expect(span.kind).toBe(SpanKind.INTERNAL);
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
  expect(span.attributes).toEqual({
    'process.executable.name': 'git',
    'process.exit.code': 0,
    'memotel.git.subcommand': 'notes',
    'memotel.git.notes.ref': 'refs/notes/mem/decisions',
  });
  expect(JSON.stringify(span.attributes)).not.toContain('alice');
});

test('captureArgs adds process.command_args', async () => {
  git.setConfig({ captureArgs: true });
  try {
    await traced('git', () => ({ ...NOTES }), async () => {});
    expect(spanNamed(telemetry.spans.getFinishedSpans(), 'git notes').attributes['process.command_args']).toEqual(['git', ...NOTES.args]);
  } finally {
    git.setConfig({});
  }
});

test('a non-zero exit the service handled stays UNSET; a failure is ERROR with the code', async () => {
  await traced('git', () => ({ ...NOTES }), async (ctx) => {
    ctx!.exitCode = 1; // `git notes show` on a commit without a note
  });
  const handled = spanNamed(telemetry.spans.getFinishedSpans(), 'git notes');
  expect(handled.status.code).toBe(SpanStatusCode.UNSET);
  expect(handled.attributes['process.exit.code']).toBe(1);

  telemetry.reset();
  const error = new MemotelError('MEMOTEL_ERR_GIT_FAILED', 'git notes failed (exit 128): check the repository.');
  await expect(
    traced('git', () => ({ ...NOTES }), async (ctx) => {
      ctx!.exitCode = 128;
      throw error;
    }),
  ).rejects.toBe(error);
  const failed = spanNamed(telemetry.spans.getFinishedSpans(), 'git notes');
  expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message });
  expect(failed.attributes).toMatchObject({ 'error.type': 'MEMOTEL_ERR_GIT_FAILED', 'process.exit.code': 128 });

  const duration = await telemetry.metric('memotel.git.command.duration');
  expect(duration[0]!.descriptor.unit).toBe('s');
  expect(pointWith(duration, { 'memotel.outcome': 'error' })?.attributes).toEqual({
    'memotel.git.subcommand': 'notes',
    'memotel.outcome': 'error',
    'error.type': 'MEMOTEL_ERR_GIT_FAILED',
  });
});

test('VCS attributes given by the publisher are recorded, with URL credentials redacted', async () => {
  const vcs = {
    originUrl: 'https://alice:ghp_token123@github.com/acme/app.git',
    headBranch: 'main',
    headRevision: 'abc1234',
  };
  await traced('git', () => ({ ...NOTES, vcs }) as GitContext, async () => {});
  const span = spanNamed(telemetry.spans.getFinishedSpans(), 'git notes');
  expect(span.attributes).toMatchObject({
    'vcs.repository.url.full': 'https://REDACTED:REDACTED@github.com/acme/app.git',
    'vcs.repository.name': 'app',
    'vcs.ref.head.name': 'main',
    'vcs.ref.head.revision': 'abc1234',
    'vcs.ref.head.type': 'branch',
  });
  expect(JSON.stringify(span.attributes)).not.toContain('ghp_token123');

  telemetry.reset();
  await traced('git', () => ({ ...NOTES, vcs: { originUrl: 'git@github.com:acme/tool.git' } }) as GitContext, async () => {});
  expect(spanNamed(telemetry.spans.getFinishedSpans(), 'git notes').attributes).toMatchObject({
    'vcs.repository.url.full': 'git@github.com:acme/tool.git',
    'vcs.repository.name': 'tool',
  });
});

test('a synchronous throw in the traced function still ends the span as an error', async () => {
  const error = new TypeError('bad args');
  const ch = (await import('../../src/memory/channels.js')).tracingChannelFor('git');
  await expect(async () => ch.tracePromise(() => { throw error; }, { ...NOTES })).rejects.toBe(error);
  const span = spanNamed(telemetry.spans.getFinishedSpans(), 'git notes');
  expect(span.status.code).toBe(SpanStatusCode.ERROR);
  expect(span.attributes['error.type']).toBe('TypeError');
});
