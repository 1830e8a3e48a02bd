// Telemetry never keeps the process alive. The app's own work decides when it ends; memotel's
// exit path (lifecycle.ts) then holds it while it flushes, bounded by MEMOTEL_SHUTDOWN_TIMEOUT.
//
// Upstream, an export in flight holds a ref'd handle at every layer: the batch processors' and
// the metric reader's export timeouts (30 s), the OTLP retry timer, the HTTP agent's socket,
// grpc-js's call and session refs. So an export still in flight as the app finishes (a collector
// that does not answer) kept 'beforeExit', where the bounded shutdown starts, from firing: the
// exit waited for the exporter's timeout (10 s), or for ever over gRPC to a black hole (grpc-js
// keeps a queued call's ref after its deadline). scripts/build.mjs gives those modules the
// timers and builtins here in place of Node's; the HTTP exporters get detachedAgent().
import type { Agent as HttpAgent } from 'node:http';

interface Refable {
  ref(): unknown;
  unref(): unknown;
}

/** Unrefs `handle` for good: a later ref() (grpc-js refs its timers and sessions) does nothing. */
export function detach<T extends Refable>(handle: T): T {
  handle.unref();
  handle.ref = () => handle;
  return handle;
}

export function setTimeout(...args: Parameters<typeof globalThis.setTimeout>): NodeJS.Timeout {
  return detach(globalThis.setTimeout(...args));
}

export function setInterval(...args: Parameters<typeof globalThis.setInterval>): NodeJS.Timeout {
  return detach(globalThis.setInterval(...args));
}

type NetModule = typeof import('node:net');
type Http2Module = typeof import('node:http2');

/** node:net whose client sockets are detached (grpc-js's bundle: every connection it opens). */
export function detachedNet(net: NetModule): NetModule {
  const connect = ((...args: Parameters<NetModule['connect']>) => detach(net.connect(...args))) as NetModule['connect'];
  return Object.assign(Object.create(null), net, { connect, createConnection: connect });
}

/**
 * node:http2 whose client sessions are detached. Detaching the TCP socket is not enough over
 * TLS: a TLS socket's ref() goes straight to the handle underneath.
 */
export function detachedHttp2(http2: Http2Module): Http2Module {
  const connect = ((...args: Parameters<Http2Module['connect']>) => detach(http2.connect(...args))) as Http2Module['connect'];
  return Object.assign(Object.create(null), http2, { connect });
}

/**
 * An HTTP(S) agent whose sockets are detached, for the OTLP HTTP exporters. Node's agent refs a
 * kept-alive socket again when it reuses it; detach() makes that a no-op.
 */
export function detachedAgent<A extends HttpAgent>(agent: A): A {
  const createConnection = (agent as unknown as { createConnection: (...args: unknown[]) => Refable }).createConnection;
  Object.assign(agent, {
    createConnection(this: A, ...args: unknown[]) {
      return detach(createConnection.apply(this, args));
    },
  });
  return agent;
}
