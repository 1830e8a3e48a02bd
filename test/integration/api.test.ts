// Starting memotel in code: start(), forceFlush(), shutdown() from the `memotel` package.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { startReceiver, type Receiver } from '../utils/otlp-receiver.js';
import { runFixture, tempDir, type TempDir } from '../utils/fixtures.js';

let receiver: Receiver;
let home: TempDir;
beforeAll(async () => {
  receiver = await startReceiver();
  home = await tempDir('memotel-api-');
});
afterAll(async () => {
  await receiver.close();
  await home.cleanup();
});
beforeEach(() => receiver.reset());

test('start() in code starts the SDK; forceFlush() delivers without waiting for exit', async () => {
  const r = await runFixture({
    script: 'start-in-code.mjs',
    register: 'none',
    env: { HOME: home.path, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl, OTEL_SERVICE_NAME: 'in-code' },
  });
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual({ started: true });
  const span = receiver.spans().find((s) => s.name === 'started in code')!;
  expect(span.resource['service.name']).toBe('in-code');
});

test('start() after the preload returns the running SDK instead of starting a second one', async () => {
  const r = await runFixture({
    script: 'start-in-code.mjs',
    env: { HOME: home.path, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl },
  });
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual({ started: false });
  expect(receiver.spans().filter((s) => s.name === 'started in code')).toHaveLength(1);
});

test("the handle lists the process's instrumentations; one turned off and on again at runtime records only while on", async () => {
  const repo = await tempDir('memotel-api-repo-');
  try {
    execFileSync('git', ['init', '-q', repo.path]);
    execFileSync('git', ['-C', repo.path, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '--allow-empty', '-m', 'init']);
    const r = await runFixture({
      script: 'toggle-instrumentation.mjs',
      env: { HOME: home.path, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl, REPO: repo.path },
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(expect.arrayContaining(['memotel/instrumentation-git', 'memotel/instrumentation-capture']));
    const gitSpans = receiver.spans().filter((s) => s.name === 'git rev-parse');
    expect(gitSpans).toHaveLength(1); // the run made while it was on
  } finally {
    await repo.cleanup();
  }
});
