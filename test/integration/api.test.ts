// Starting memotel in code: start(), forceFlush(), shutdown() from the `memotel` package.
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
