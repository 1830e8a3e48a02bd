// Whether an OTLP endpoint takes data: one empty export request over the configured protocol,
// and what the collector answered. A TCP connection alone says too little: a collector that
// accepts connections and then answers 503, throttles (429 / RESOURCE_EXHAUSTED) or never
// answers loses every export just the same.
//
// Why hand-written: an empty export request has no content to encode (an empty protobuf
// message, or `{}` in JSON), and loading an OTLP exporter (and grpc-js) into the CLI to send
// nothing would cost more than the check. gRPC is HTTP/2 with a 5-byte message frame
// (compression flag, length) and the outcome in the grpc-status trailer.
import http2 from 'node:http2';
import type { OtlpSignalConfig, Signal } from '../../config/index.js';

export interface OtlpProbe {
  ok: boolean;
  detail: string;
  latencyMs?: number;
}

const GRPC_SERVICES: Record<Signal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
};

const GRPC_STATUS = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];

function connectionError(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e.cause?.code ?? e.code;
  return `cannot connect (${code ?? e.cause?.message ?? e.message})`;
}

function noAnswer(timeoutMs: number): string {
  return `no answer to an export within ${timeoutMs} ms (the collector is hung or overloaded)`;
}

export async function probeOtlp(signal: Signal, c: OtlpSignalConfig, timeoutMs: number): Promise<OtlpProbe> {
  const started = performance.now();
  const result = c.protocol === 'grpc' ? await probeGrpc(signal, c, timeoutMs) : await probeHttp(c, timeoutMs);
  return { ...result, latencyMs: performance.now() - started };
}

async function probeHttp(c: OtlpSignalConfig, timeoutMs: number): Promise<OtlpProbe> {
  const json = c.protocol === 'http/json';
  try {
    const res = await fetch(c.url, {
      method: 'POST',
      headers: { ...c.headers, 'content-type': json ? 'application/json' : 'application/x-protobuf' },
      body: json ? '{}' : new Uint8Array(0),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { ok: true, detail: `accepts exports (HTTP ${res.status})` };
    const retryAfter = res.headers.get('retry-after');
    return { ok: false, detail: `rejects exports: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${retryAfter ? ` (Retry-After: ${retryAfter})` : ''}` };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, detail: noAnswer(timeoutMs) };
    return { ok: false, detail: connectionError(error) };
  }
}

function probeGrpc(signal: Signal, c: OtlpSignalConfig, timeoutMs: number): Promise<OtlpProbe> {
  return new Promise((resolve) => {
    let session: http2.ClientHttp2Session | undefined;
    const done = (probe: OtlpProbe) => {
      clearTimeout(timer);
      session?.destroy();
      resolve(probe);
    };
    const timer = setTimeout(() => done({ ok: false, detail: noAnswer(timeoutMs) }), timeoutMs);
    const outcome = (headers: http2.IncomingHttpHeaders) => {
      const status = headers['grpc-status'];
      if (status === undefined) return false;
      const code = Number(status);
      if (code === 0) done({ ok: true, detail: 'accepts exports (gRPC OK)' });
      else {
        const message = headers['grpc-message'] ? `: ${decodeURIComponent(String(headers['grpc-message']))}` : '';
        done({ ok: false, detail: `rejects exports: gRPC ${code} ${GRPC_STATUS[code] ?? ''}${message}`.trimEnd() });
      }
      return true;
    };
    try {
      // grpc-js reads an http URL as plaintext and https as TLS unless insecure is set.
      const url = new URL(c.url);
      if (c.insecure) url.protocol = 'http:';
      session = http2.connect(url.origin);
      session.on('error', (error) => done({ ok: false, detail: connectionError(error) }));
      const request = session.request({
        ':method': 'POST',
        ':path': `/${GRPC_SERVICES[signal]}/Export`,
        'content-type': 'application/grpc',
        te: 'trailers',
        ...c.headers,
      });
      request.on('error', (error) => done({ ok: false, detail: connectionError(error) }));
      // Trailers-only responses (most errors) carry grpc-status in the headers.
      request.on('response', (headers) => {
        if (outcome(headers)) return;
        const httpStatus = Number(headers[':status']);
        if (httpStatus !== 200) done({ ok: false, detail: `rejects exports: HTTP/2 ${httpStatus} (is this a gRPC endpoint?)` });
      });
      request.on('trailers', (trailers) => outcome(trailers));
      request.on('end', () => done({ ok: false, detail: 'the answer carried no gRPC status (is this a gRPC endpoint?)' }));
      request.resume();
      request.end(Buffer.from([0, 0, 0, 0, 0])); // an empty message, uncompressed
    } catch (error) {
      done({ ok: false, detail: connectionError(error) });
    }
  });
}
