// The parts of @modelcontextprotocol/sdk (1.x) this instrumentation reads. Never exported:
// the SDK's own types are not a dependency of memotel.

export type RequestId = string | number;

export interface JsonRpcRequest {
  method: string;
  params?: Record<string, unknown> & { _meta?: Record<string, unknown> };
  id?: RequestId;
}

/** What the SDK passes a request handler as its second argument. */
export interface RequestHandlerExtra {
  sessionId?: string;
  _meta?: Record<string, unknown>;
  requestId?: RequestId;
  requestInfo?: { headers?: Record<string, string | string[] | undefined> };
}

export type RequestHandler = (request: JsonRpcRequest, extra: RequestHandlerExtra) => unknown;

/** A transport: the class name tells stdio from HTTP; HTTP transports have a session id. */
export interface Transport {
  sessionId?: string;
  protocolVersion?: string;
}

/** Protocol, the base class of Client and Server, with the members patched or read. */
export interface ProtocolInstance {
  /** The next request's JSON-RPC id (Protocol assigns ids synchronously from it). */
  _requestMessageId?: number;
  transport?: Transport;
  /** Client only: tells the two sides apart. */
  callTool?: unknown;
  request(request: JsonRpcRequest, resultSchema: unknown, options?: unknown): Promise<unknown>;
  setRequestHandler(schema: unknown, handler: RequestHandler): void;
  connect(transport: Transport, ...rest: unknown[]): Promise<void>;
  _onclose(): void;
}

export interface ProtocolClass {
  prototype: ProtocolInstance;
}

/** The module that defines Protocol, as a CommonJS exports object or an ESM namespace. */
export interface ProtocolModule {
  Protocol?: ProtocolClass;
}
