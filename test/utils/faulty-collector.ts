/**
 * Collectors that misbehave, for fault-injection tests: each gives an OTLP endpoint URL on
 * 127.0.0.1 and a way to break or stop it. Built on the real receiver (otlp-receiver.ts: a
 * grpc-js server and node:http) where the fault is an answer, on a bare TCP server where the
 * fault is silence.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { startReceiver, type Receiver } from './otlp-receiver.js';
import { closedPort } from './fixtures.js';

export type CollectorFault = 'healthy' | 'down' | 'black hole' | 'slow' | 'unavailable' | 'exhausted' | 'killed mid-run';
export type OtlpTransport = 'grpc' | 'http/protobuf';

export const COLLECTOR_FAULTS: readonly CollectorFault[] = ['healthy', 'down', 'black hole', 'slow', 'unavailable', 'exhausted', 'killed mid-run'];

/** How the fault looks from the exporter's side, per transport (for tables). */
export function describeFault(fault: CollectorFault, transport: OtlpTransport): string {
  const grpc = transport === 'grpc';
  switch (fault) {
    case 'down':
      return 'closed port';
    case 'black hole':
      return 'accepts TCP, never answers';
    case 'slow':
      return `answers after ${SLOW_MS / 1000} s`;
    case 'unavailable':
      return grpc ? 'gRPC UNAVAILABLE' : 'HTTP 503';
    case 'exhausted':
      return grpc ? 'gRPC RESOURCE_EXHAUSTED' : 'HTTP 429, Retry-After: 1';
    case 'killed mid-run':
      return 'stopped while the app runs';
    default:
      return 'answers OK';
  }
}

export const SLOW_MS = 10_000;

export interface FaultyCollector {
  /** The endpoint to give OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  /** The real receiver behind it, when there is one (not for down and black hole). */
  readonly receiver?: Receiver;
  /** Breaks it now (killed mid-run: stops the receiver); a no-op for the other faults. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

/** A TCP server that accepts connections and never sends a byte. */
async function blackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.resume(); // read and discard, so the sender's writes never block
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function startFaultyCollector(fault: CollectorFault, transport: OtlpTransport): Promise<FaultyCollector> {
  if (fault === 'down') {
    const port = await closedPort();
    return { url: `http://127.0.0.1:${port}`, kill: async () => {}, close: async () => {} };
  }
  if (fault === 'black hole') {
    const hole = await blackHole();
    return { url: `http://127.0.0.1:${hole.port}`, kill: async () => {}, close: () => hole.close() };
  }
  const receiver = await startReceiver(transport === 'grpc' ? { http: false } : { grpc: false });
  if (fault === 'slow') receiver.setFailure({ slowMs: SLOW_MS });
  if (fault === 'unavailable' || fault === 'exhausted') receiver.setFailure(fault);
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= receiver.close());
  return {
    url: transport === 'grpc' ? receiver.grpcUrl : receiver.httpUrl,
    receiver,
    kill: fault === 'killed mid-run' ? close : async () => {},
    close,
  };
}
