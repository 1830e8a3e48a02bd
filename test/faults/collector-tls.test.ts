// Exporting over TLS, as memotel's exporters do it (src/sdk/detached.ts: sockets that never keep
// the process alive; over https the HTTP exporters get memotel's agent, which reads the TLS files
// itself): a real receiver with a certificate made by openssl, through the preload, over gRPC and
// http/protobuf. And an export in flight over TLS to a collector that never answers (its TLS
// handshake never ends) must not hold the exit either: a TLS socket refs the handle underneath.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runFixture, tempDir, type TempDir } from '../utils/fixtures.js';
import { startFaultyCollector, type OtlpTransport } from '../utils/faulty-collector.js';
import { startReceiver } from '../utils/otlp-receiver.js';
import { EXIT_MARGIN_MS, SHUTDOWN_TIMEOUT_MS } from './cases.js';

let box: TempDir;
let certFile: string;
let tls: { key: Buffer; cert: Buffer };

beforeAll(async () => {
  box = await tempDir('memotel-tls-');
  certFile = join(box.path, 'cert.pem');
  const keyFile = join(box.path, 'key.pem');
  // A self-signed certificate for localhost, given to the exporters as their root certificate.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
    '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  tls = { key: readFileSync(keyFile), cert: readFileSync(certFile) };
});

afterAll(async () => {
  await box.cleanup();
});

describe.each<OtlpTransport>(['grpc', 'http/protobuf'])('%s over TLS', (transport) => {
  test('spans reach a collector whose certificate OTEL_EXPORTER_OTLP_CERTIFICATE names', async () => {
    const receiver = await startReceiver({ tls });
    try {
      const r = await runFixture({
        script: 'exit-paths.mjs',
        env: {
          HOME: box.path,
          MEMOTEL_STORE_DIR: join(box.path, `store-${transport.replace('/', '-')}`),
          OTEL_EXPORTER_OTLP_ENDPOINT: transport === 'grpc' ? receiver.grpcUrl : receiver.httpUrl,
          OTEL_EXPORTER_OTLP_PROTOCOL: transport,
          OTEL_EXPORTER_OTLP_CERTIFICATE: certFile,
        },
      });
      expect(r.stdout).toBe('pong\n');
      expect(r.code).toBe(0);
      // Over gRPC upstream's exporter warns that a client key and certificate were not both given.
      expect(r.stderr).not.toMatch(/error/i);
      expect(receiver.spans().map((s) => s.name).sort()).toEqual(['GET', 'GET']);
    } finally {
      await receiver.close();
    }
  }, 30_000);

  test('an export in flight to a collector that never answers the TLS handshake: exit within MEMOTEL_SHUTDOWN_TIMEOUT', async () => {
    const hole = await startFaultyCollector('black hole', transport);
    try {
      let lastLineAt = 0;
      const started = performance.now();
      const r = await runFixture({
        script: 'exit-paths.mjs',
        env: {
          HOME: box.path,
          MEMOTEL_STORE_DIR: join(box.path, `store-hole-${transport.replace('/', '-')}`),
          OTEL_EXPORTER_OTLP_ENDPOINT: hole.url.replace('http://127.0.0.1', 'https://localhost'),
          OTEL_EXPORTER_OTLP_PROTOCOL: transport,
          OTEL_EXPORTER_OTLP_CERTIFICATE: certFile,
          OTEL_BSP_SCHEDULE_DELAY: '50',
          MEMOTEL_SHUTDOWN_TIMEOUT: String(SHUTDOWN_TIMEOUT_MS),
          MODE: 'linger',
          LINGER_MS: '500',
        },
        timeoutMs: 30_000,
        onStdoutLine: () => {
          lastLineAt = performance.now();
        },
      });
      expect(r.stdout).toBe('pong\nlingered\n');
      expect(r.code).toBe(0);
      expect(started + r.durationMs - lastLineAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS + EXIT_MARGIN_MS);
    } finally {
      await hole.close();
    }
  }, 40_000);
});
