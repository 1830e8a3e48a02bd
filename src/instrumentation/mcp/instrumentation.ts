// MCP client and server spans and metrics (OpenTelemetry MCP conventions), with the trace
// context carried in params._meta, for @modelcontextprotocol/sdk 1.x.
//
// Where it hooks: Protocol, the base class of the SDK's Client and Server, in
// dist/{cjs,esm}/shared/protocol.js. Its prototype is patched, so the same patch works on a
// CommonJS exports object and on an ESM namespace (the class object is what is shared), and
// every transport (stdio, Streamable HTTP, SSE, custom) is covered at once:
// - request(): each outgoing request (a client's, or a server's own, e.g. sampling) is an
//   mcp.client span (CLIENT); its context is injected into the request's params._meta;
// - setRequestHandler(): each handler is wrapped, so each incoming request is an mcp.server
//   span (SERVER) whose parent is the context extracted from params._meta; the handler runs
//   with that span active, so whatever it does (memory operations, HTTP calls) is its child;
// - connect() / _onclose(): the session duration metrics.
// Notifications get no span (see docs/telemetry.md). Requests without a handler (the SDK
// answers "method not found" itself) get no server span.
import * as api from '@opentelemetry/api';
import type { Attributes, Context, Histogram, Link, Span } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SessionIdHasher } from '../../processors/session-key.js';
import { errorMessageOf, errorTypeOf } from '../error-type.js';
import { PACKAGE_VERSION, SCOPE_NAMES } from '../version.js';
import { hookProtocolRequire, sdkDirOf } from './cjs-hook.js';
import {
  jsonRpcErrorAttributes,
  metricAttributes,
  protocolHasSessions,
  requestIdAttribute,
  requestSpanStart,
  toolArgumentsAttribute,
  toolResultAttribute,
  transportAttributes,
} from './attributes.js';
import type {
  JsonRpcRequest,
  ProtocolInstance,
  ProtocolModule,
  RequestHandler,
  RequestHandlerExtra,
} from './internal-types.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_SESSION_ID,
  ERROR_TYPE_VALUE_TOOL_ERROR,
  MCP_DURATION_BUCKETS,
  METHOD_INITIALIZE,
  METHOD_TOOLS_CALL,
  METRIC_MCP_CLIENT_OPERATION_DURATION,
  METRIC_MCP_CLIENT_SESSION_DURATION,
  METRIC_MCP_SERVER_OPERATION_DURATION,
  METRIC_MCP_SERVER_SESSION_DURATION,
} from './semconv.js';
import type { McpInstrumentationConfig } from './types.js';

// Read once: in the lazily loaded bundle each named import of the shared API is a getter over
// the SDK bundle's namespace, and these sit on every request's path (measured: ~18 µs per round
// trip on Node 24, in-process client and server, 2-core dev machine).
const { context, propagation, trace, SpanKind, SpanStatusCode } = api;

/** Tested with 1.32.2; Protocol's request/setRequestHandler/connect have kept their shape through 1.x. */
const SUPPORTED_VERSIONS = ['>=1.0.0 <2'];
/** The files patched, in both builds the package ships. */
export const PATCHED_FILES = ['cjs', 'esm'].map((build) => `@modelcontextprotocol/sdk/dist/${build}/shared/protocol.js`);

/** JSON-RPC "internal error": what the SDK answers when a handler throws without a numeric code. */
const JSONRPC_INTERNAL_ERROR = -32603;

interface Operation {
  span: Span;
  startedAt: number;
  /** The attributes metrics take their allowlisted subset from. */
  attributes: Attributes;
  request: JsonRpcRequest;
  /** Server side: the transport's raw session id, hashed when the span gets it. */
  sessionId?: string;
}

export class McpInstrumentation extends InstrumentationBase<McpInstrumentationConfig> {
  // Dev Note: InstrumentationBase's constructor calls _updateMetricInstruments() and enable()
  // before field initialisers run; `declare` keeps an initialiser from resetting what they set.
  declare private _clientDuration: Histogram | undefined;
  declare private _serverDuration: Histogram | undefined;
  declare private _clientSessionDuration: Histogram | undefined;
  declare private _serverSessionDuration: Histogram | undefined;
  declare private _hasher: SessionIdHasher | undefined;
  declare private _unhookRequire: (() => void) | undefined;
  /** CommonJS protocol.js exports patched through hookProtocolRequire (the base class tracks the ESM ones). */
  declare private _hookedExports: ProtocolModule[] | undefined;

  constructor(config: McpInstrumentationConfig = {}) {
    super(SCOPE_NAMES['memotel-mcp'], PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    const files = PATCHED_FILES.map(
      (file) =>
        new InstrumentationNodeModuleFile(
          file,
          SUPPORTED_VERSIONS,
          (exports: ProtocolModule) => this._patch(exports),
          (exports?: ProtocolModule) => this._unpatch(exports),
        ),
    );
    return [new InstrumentationNodeModuleDefinition('@modelcontextprotocol/sdk', SUPPORTED_VERSIONS, undefined, undefined, files)];
  }

  override enable(): void {
    super.enable();
    this._hookedExports ??= [];
    for (const exports of this._hookedExports) this._patch(exports);
    // The base class's require hook cannot see the SDK's CommonJS files (cjs-hook.ts says why).
    this._unhookRequire ??= hookProtocolRequire((exports, file) => {
      if (!this.isEnabled() || this._hookedExports!.includes(exports as ProtocolModule) || !isSupportedVersion(sdkDirOf(file))) return;
      this._hookedExports!.push(exports as ProtocolModule);
      this._patch(exports as ProtocolModule);
    });
  }

  override disable(): void {
    super.disable();
    for (const exports of this._hookedExports ?? []) this._unpatch(exports);
  }

  protected override _updateMetricInstruments(): void {
    const histogram = (name: string, description: string) =>
      this.meter.createHistogram(name, { description, unit: 's', advice: { explicitBucketBoundaries: MCP_DURATION_BUCKETS } });
    this._clientDuration = histogram(METRIC_MCP_CLIENT_OPERATION_DURATION, 'Duration of an MCP request as observed by its sender, until the response.');
    this._serverDuration = histogram(METRIC_MCP_SERVER_OPERATION_DURATION, 'Duration of an MCP request as observed by its receiver, until the result.');
    this._clientSessionDuration = histogram(METRIC_MCP_CLIENT_SESSION_DURATION, 'Duration of an MCP session as observed by the client.');
    this._serverSessionDuration = histogram(METRIC_MCP_SERVER_SESSION_DURATION, 'Duration of an MCP session as observed by the server.');
  }

  private _patch(exports: ProtocolModule): ProtocolModule {
    const proto = exports?.Protocol?.prototype;
    if (!proto || typeof proto.request !== 'function') {
      this._diag.debug('@modelcontextprotocol/sdk: no Protocol class in shared/protocol.js; not instrumented');
      return exports;
    }
    if (this._isWrapped(proto, 'request')) return exports;
    const instrumentation = this;
    this._wrap(proto, 'request', (original) =>
      function request(this: ProtocolInstance, ...args: Parameters<ProtocolInstance['request']>) {
        return instrumentation._traceRequest(this, original, args);
      },
    );
    this._wrap(proto, 'setRequestHandler', (original) =>
      function setRequestHandler(this: ProtocolInstance, schema: unknown, handler: RequestHandler) {
        const wrapped = typeof handler === 'function' ? instrumentation._wrapHandler(this, handler) : handler;
        return original.call(this, schema, wrapped);
      },
    );
    this._wrap(proto, 'connect', (original) =>
      function connect(this: ProtocolInstance, ...args: Parameters<ProtocolInstance['connect']>) {
        sessionStarts.set(this, performance.now());
        return original.apply(this, args);
      },
    );
    if (typeof proto._onclose === 'function') {
      this._wrap(proto, '_onclose', (original) =>
        function _onclose(this: ProtocolInstance) {
          instrumentation._recordSession(this);
          return original.call(this);
        },
      );
    }
    return exports;
  }

  private _unpatch(exports: ProtocolModule | undefined): void {
    const proto = exports?.Protocol?.prototype;
    if (!proto) return;
    for (const name of ['request', 'setRequestHandler', 'connect', '_onclose'] as const) {
      if (this._isWrapped(proto, name)) this._unwrap(proto, name);
    }
  }

  private _isWrapped(target: object, name: string): boolean {
    return (target as Record<string, { __wrapped?: boolean } | undefined>)[name]?.__wrapped === true;
  }

  private get _active(): boolean {
    return this.isEnabled() && this.getConfig().enabled !== false;
  }

  // --- client side: requests this process sends -------------------------------------------------

  private _traceRequest(
    protocol: ProtocolInstance,
    original: ProtocolInstance['request'],
    args: Parameters<ProtocolInstance['request']>,
  ): Promise<unknown> {
    const [request, ...rest] = args;
    let operation: Operation | undefined;
    let spanContext: Context | undefined;
    let sent = request;
    try {
      if (this._active && request && typeof request.method === 'string') {
        ({ operation, spanContext } = this._startClient(protocol, request));
        sent = withTraceContext(request, spanContext);
      }
    } catch (err) {
      this._diag.error('could not start an MCP client span', err);
    }
    if (!operation) return original.apply(protocol, args);

    const idBefore = protocol._requestMessageId;
    let pending: Promise<unknown>;
    try {
      pending = context.with(spanContext!, () => original.call(protocol, sent, ...rest));
    } catch (error) {
      this._guard(() => this._failOperation(operation!, error, this._clientDuration));
      throw error;
    }
    // Protocol assigns the JSON-RPC id synchronously, from a counter: read which one it took.
    if (typeof idBefore === 'number' && protocol._requestMessageId === idBefore + 1) {
      operation.span.setAttributes(requestIdAttribute(idBefore));
    }
    return pending.then(
      (result) => {
        this._guard(() => {
          this._recordInitialize(protocol, operation!, result, protocol.transport?.sessionId);
          this._endWithResult(operation!, result, this._clientDuration);
        });
        return result;
      },
      (error: unknown) => {
        this._guard(() => this._failOperation(operation!, error, this._clientDuration));
        throw error;
      },
    );
  }

  private _startClient(protocol: ProtocolInstance, request: JsonRpcRequest): { operation: Operation; spanContext: Context } {
    const { name, attributes } = requestSpanStart(request);
    Object.assign(attributes, transportAttributes(protocol.transport));
    const version = protocolVersions.get(protocol);
    if (version !== undefined) attributes[ATTR_MCP_PROTOCOL_VERSION] = version;
    this._addSessionId(attributes, protocol.transport?.sessionId, version);
    if (this._captureContent && request.method === METHOD_TOOLS_CALL) Object.assign(attributes, toolArgumentsAttribute(request, this._limit));
    const parent = context.active();
    const span = this.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    return { operation: { span, startedAt: performance.now(), attributes, request }, spanContext: trace.setSpan(parent, span) };
  }

  // --- server side: requests this process handles -----------------------------------------------

  private _wrapHandler(protocol: ProtocolInstance, handler: RequestHandler): RequestHandler {
    const instrumentation = this;
    return function tracedHandler(this: unknown, request: JsonRpcRequest, extra: RequestHandlerExtra) {
      let operation: Operation | undefined;
      let spanContext: Context | undefined;
      try {
        if (instrumentation._active && request && typeof request.method === 'string') {
          ({ operation, spanContext } = instrumentation._startServer(protocol, request, extra));
        }
      } catch (err) {
        instrumentation._diag.error('could not start an MCP server span', err);
      }
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as Parameters<RequestHandler>;
      if (!operation) return handler.apply(this, args);
      let outcome: unknown;
      try {
        outcome = context.with(spanContext!, () => handler.apply(this, args));
      } catch (error) {
        instrumentation._guard(() => instrumentation._failServer(operation!, error));
        throw error;
      }
      return Promise.resolve(outcome).then(
        (result) => {
          instrumentation._guard(() => {
            instrumentation._recordInitialize(protocol, operation!, result, operation!.sessionId ?? protocol.transport?.sessionId);
            instrumentation._endWithResult(operation!, result, instrumentation._serverDuration);
          });
          return result;
        },
        (error: unknown) => {
          instrumentation._guard(() => instrumentation._failServer(operation!, error));
          throw error;
        },
      );
    };
  }

  private _startServer(
    protocol: ProtocolInstance,
    request: JsonRpcRequest,
    extra: RequestHandlerExtra | undefined,
  ): { operation: Operation; spanContext: Context } {
    const { name, attributes } = requestSpanStart(request);
    Object.assign(attributes, requestIdAttribute(extra?.requestId ?? request.id), transportAttributes(protocol.transport));
    const version = protocolVersions.get(protocol) ?? headerVersion(extra) ?? protocol.transport?.protocolVersion;
    if (version !== undefined) attributes[ATTR_MCP_PROTOCOL_VERSION] = version;
    // initialize only proposes a revision: its session id is added once the revision is accepted.
    if (request.method !== METHOD_INITIALIZE) this._addSessionId(attributes, extra?.sessionId, version);
    if (this._captureContent && request.method === METHOD_TOOLS_CALL) Object.assign(attributes, toolArgumentsAttribute(request, this._limit));

    // The client's context from params._meta is the parent; the ambient one (an HTTP server span,
    // when the transport is HTTP) is linked, as the conventions recommend.
    const ambient = context.active();
    const meta = extra?._meta ?? request.params?._meta;
    const parent = meta && typeof meta === 'object' ? propagation.extract(ambient, meta) : ambient;
    const links: Link[] = [];
    const ambientSpan = trace.getSpanContext(ambient);
    if (ambientSpan && parent !== ambient && trace.getSpanContext(parent)?.spanId !== ambientSpan.spanId) {
      links.push({ context: ambientSpan });
    }
    const span = this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes, links }, parent);
    return {
      operation: { span, startedAt: performance.now(), attributes, request, sessionId: extra?.sessionId },
      spanContext: trace.setSpan(parent, span),
    };
  }

  /** initialize's answer fixes the revision and, on a transport with sessions, the session. */
  private _recordInitialize(protocol: ProtocolInstance, operation: Operation, result: unknown, rawSessionId: string | undefined): void {
    if (operation.request.method !== METHOD_INITIALIZE) return;
    const version = (result as { protocolVersion?: unknown } | undefined)?.protocolVersion;
    if (typeof version !== 'string') return;
    protocolVersions.set(protocol, version);
    operation.attributes[ATTR_MCP_PROTOCOL_VERSION] = version;
    const attributes: Attributes = { [ATTR_MCP_PROTOCOL_VERSION]: version };
    this._addSessionId(attributes, rawSessionId, version);
    operation.span.setAttributes(attributes);
  }

  /** A handler that throws is answered with its numeric code, else -32603 (what the SDK sends). */
  private _failServer(operation: Operation, error: unknown): void {
    this._failOperation(operation, error, this._serverDuration, JSONRPC_INTERNAL_ERROR);
  }

  // --- shared ---------------------------------------------------------------------------------------

  private _endWithResult(operation: Operation, result: unknown, duration: Histogram | undefined): void {
    const { span, attributes, request } = operation;
    if (request.method === METHOD_TOOLS_CALL) {
      if (this._captureContent) span.setAttributes(toolResultAttribute(result, this._limit));
      if ((result as { isError?: unknown } | undefined)?.isError === true) {
        // The call worked at the JSON-RPC level; the tool reported a failure in its result.
        attributes[ATTR_ERROR_TYPE] = ERROR_TYPE_VALUE_TOOL_ERROR;
        span.setAttribute(ATTR_ERROR_TYPE, ERROR_TYPE_VALUE_TOOL_ERROR);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    }
    this._end(operation, duration);
  }

  private _failOperation(
    operation: Operation,
    error: unknown,
    duration: Histogram | undefined,
    fallbackCode?: number,
  ): void {
    const { span, attributes } = operation;
    const code = (error as { code?: unknown } | null)?.code;
    const failure =
      typeof code === 'number' && Number.isSafeInteger(code)
        ? jsonRpcErrorAttributes(code)
        : fallbackCode !== undefined
          ? jsonRpcErrorAttributes(fallbackCode)
          : { [ATTR_ERROR_TYPE]: errorTypeOf(error) };
    Object.assign(attributes, failure);
    span.setAttributes(failure);
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessageOf(error) });
    this._end(operation, duration);
  }

  private _end(operation: Operation, duration: Histogram | undefined): void {
    operation.span.end();
    duration?.record((performance.now() - operation.startedAt) / 1000, metricAttributes(operation.attributes));
  }

  private _recordSession(protocol: ProtocolInstance): void {
    this._guard(() => {
      const startedAt = sessionStarts.get(protocol);
      if (startedAt === undefined || !this._active) return;
      sessionStarts.delete(protocol);
      const attributes: Attributes = { ...transportAttributes(protocol.transport) };
      const version = protocolVersions.get(protocol);
      if (version !== undefined) attributes[ATTR_MCP_PROTOCOL_VERSION] = version;
      const histogram = typeof protocol.callTool === 'function' ? this._clientSessionDuration : this._serverSessionDuration;
      histogram?.record((performance.now() - startedAt) / 1000, attributes);
    });
  }

  /** mcp.session.id: the keyed hash, only for protocol revisions that have sessions, only with a key. */
  private _addSessionId(attributes: Attributes, rawId: string | undefined, version: string | undefined): void {
    if (typeof rawId !== 'string' || rawId === '' || !protocolHasSessions(version)) return;
    const key = this.getConfig().sessionKey;
    if (!key) return;
    this._hasher ??= new SessionIdHasher(key);
    attributes[ATTR_MCP_SESSION_ID] = this._hasher.hash(rawId);
  }

  private get _captureContent(): boolean {
    return this.getConfig().captureContent === true;
  }

  private get _limit(): number | undefined {
    return this.getConfig().attributeValueLengthLimit;
  }

  /** Telemetry never breaks the app: a failure here is reported through diag only. */
  private _guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this._diag.error('MCP instrumentation failed', err);
    }
  }
}

/** Negotiated protocol revision per Client/Server instance (set when initialize is answered). */
const protocolVersions = new WeakMap<object, string>();
/** When each Client/Server connected, for the session duration metrics. */
const sessionStarts = new WeakMap<object, number>();

/** The SDK's major version is 1 (what SUPPORTED_VERSIONS says), read from its package.json. */
function isSupportedVersion(basedir: string | undefined): boolean {
  if (!basedir) return false;
  try {
    const { version } = JSON.parse(readFileSync(join(basedir, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof version === 'string' && version.startsWith('1.');
  } catch {
    return false;
  }
}

/** The revision a Streamable HTTP request declares in its MCP-Protocol-Version header. */
function headerVersion(extra: RequestHandlerExtra | undefined): string | undefined {
  const value = extra?.requestInfo?.headers?.['mcp-protocol-version'];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A copy of the request with the span's context in params._meta (traceparent, tracestate,
 * baggage, through the global propagator, which memotel wraps so that a raw session id never
 * travels in baggage). The caller's object is left untouched.
 */
function withTraceContext(request: JsonRpcRequest, spanContext: Context): JsonRpcRequest {
  const carrier: Record<string, string> = {};
  propagation.inject(spanContext, carrier);
  if (Object.keys(carrier).length === 0) return request;
  const params = request.params ?? {};
  return { ...request, params: { ...params, _meta: { ...(params._meta ?? {}), ...carrier } } };
}

