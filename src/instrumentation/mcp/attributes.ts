// Span names and attributes of one MCP request, from the JSON-RPC message and the transport.
import type { Attributes } from '@opentelemetry/api';
import { truncateText } from '../content.js';
import type { JsonRpcRequest, RequestId, Transport } from './internal-types.js';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_RESOURCE_URI,
  ATTR_NETWORK_PROTOCOL_NAME,
  ATTR_NETWORK_TRANSPORT,
  ATTR_ERROR_TYPE,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  FIRST_PROTOCOL_VERSION_WITH_SESSIONS,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  METHOD_PROMPTS_GET,
  METHOD_TOOLS_CALL,
  NETWORK_PROTOCOL_NAME_VALUE_HTTP,
  NETWORK_TRANSPORT_VALUE_PIPE,
  NETWORK_TRANSPORT_VALUE_TCP,
  RESOURCE_METHODS,
} from './semconv.js';

export interface RequestSpanStart {
  name: string;
  attributes: Attributes;
}

/** `{mcp.method.name} {target}`, the target being the tool or prompt name when there is one. */
export function requestSpanStart(request: JsonRpcRequest): RequestSpanStart {
  const method = request.method;
  const attributes: Attributes = { [ATTR_MCP_METHOD_NAME]: method };
  const name = typeof request.params?.name === 'string' ? request.params.name : undefined;
  let target: string | undefined;
  if (method === METHOD_TOOLS_CALL && name !== undefined) {
    target = name;
    attributes[ATTR_GEN_AI_TOOL_NAME] = name;
  } else if (method === METHOD_PROMPTS_GET && name !== undefined) {
    target = name;
    attributes[ATTR_GEN_AI_PROMPT_NAME] = name;
  }
  if (method === METHOD_TOOLS_CALL) attributes[ATTR_GEN_AI_OPERATION_NAME] = GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL;
  // The URI is on spans only, never in the name (high cardinality) nor on metrics (opt-in there).
  if (RESOURCE_METHODS.has(method) && typeof request.params?.uri === 'string') attributes[ATTR_MCP_RESOURCE_URI] = request.params.uri;
  return { name: target === undefined ? method : `${method} ${target}`, attributes };
}

/** jsonrpc.request.id: a string; not set for a null or missing id (the conventions say so). */
export function requestIdAttribute(id: RequestId | null | undefined): Attributes {
  return id === undefined || id === null ? {} : { [ATTR_JSONRPC_REQUEST_ID]: String(id) };
}

const transportAttributesOf = new WeakMap<object, Attributes>();

/**
 * network.transport (and network.protocol.name for HTTP) from the transport's class: the SDK's
 * stdio transports are pipes, its Streamable HTTP and SSE transports run over TCP. Other
 * transports (in-memory, websocket, custom) get nothing rather than a guess.
 */
export function transportAttributes(transport: Transport | undefined): Attributes {
  if (!transport || typeof transport !== 'object') return {};
  let attributes = transportAttributesOf.get(transport);
  if (!attributes) {
    const className = (transport as object).constructor?.name ?? '';
    if (/Stdio/.test(className)) attributes = { [ATTR_NETWORK_TRANSPORT]: NETWORK_TRANSPORT_VALUE_PIPE };
    else if (/StreamableHTTP|SSE/.test(className)) {
      attributes = { [ATTR_NETWORK_TRANSPORT]: NETWORK_TRANSPORT_VALUE_TCP, [ATTR_NETWORK_PROTOCOL_NAME]: NETWORK_PROTOCOL_NAME_VALUE_HTTP };
    } else attributes = {};
    transportAttributesOf.set(transport, attributes);
  }
  return attributes;
}

/** Sessions exist from protocol revision 2025-03-26 on (revisions are dates: they sort as strings). */
export function protocolHasSessions(version: string | undefined): boolean {
  return version !== undefined && version >= FIRST_PROTOCOL_VERSION_WITH_SESSIONS;
}

/** Failure attributes from a JSON-RPC error code: the code as a string, for both. */
export function jsonRpcErrorAttributes(code: number): Attributes {
  return { [ATTR_RPC_RESPONSE_STATUS_CODE]: String(code), [ATTR_ERROR_TYPE]: String(code) };
}

/** Opt-in content: the arguments and the result of a tool call, as JSON strings. */
export function toolArgumentsAttribute(request: JsonRpcRequest, limit: number | undefined): Attributes {
  const args = request.params?.arguments;
  return args === undefined ? {} : { [ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]: truncateText(safeJson(args), limit) };
}

export function toolResultAttribute(result: unknown, limit: number | undefined): Attributes {
  if (result === null || typeof result !== 'object') return {};
  // _meta is protocol metadata, not the tool's output.
  const { _meta: _ignored, ...output } = result as Record<string, unknown>;
  return { [ATTR_GEN_AI_TOOL_CALL_RESULT]: truncateText(safeJson(output), limit) };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** Attributes that go onto the duration metrics: bounded ones only (no ids, URIs or content). */
export const METRIC_ATTRIBUTE_KEYS = [
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_NETWORK_TRANSPORT,
  ATTR_NETWORK_PROTOCOL_NAME,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  ATTR_ERROR_TYPE,
] as const;

export function metricAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const key of METRIC_ATTRIBUTE_KEYS) if (attributes[key] !== undefined) out[key] = attributes[key];
  return out;
}
