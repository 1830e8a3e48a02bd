// Names of the MCP semantic conventions (semantic-conventions-genai, model/mcp), development
// stability: copied as local constants, as opentelemetry-js-contrib does for unstable names,
// instead of importing an incubating entry point. Every one is documented in docs/telemetry.md.
export { ATTR_ERROR_TYPE, ATTR_NETWORK_PROTOCOL_NAME, ATTR_NETWORK_TRANSPORT } from '@opentelemetry/semantic-conventions';
// Shared with the memory instrumentations.
export { ATTR_GEN_AI_OPERATION_NAME } from '../semconv.js';

export const ATTR_MCP_METHOD_NAME = 'mcp.method.name' as const;
export const ATTR_MCP_PROTOCOL_VERSION = 'mcp.protocol.version' as const;
export const ATTR_MCP_RESOURCE_URI = 'mcp.resource.uri' as const;
/** Always memotel's keyed hash of the transport's session id, never the raw id. */
export const ATTR_MCP_SESSION_ID = 'mcp.session.id' as const;
export const ATTR_JSONRPC_REQUEST_ID = 'jsonrpc.request.id' as const;
export const ATTR_RPC_RESPONSE_STATUS_CODE = 'rpc.response.status_code' as const;
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name' as const;
export const ATTR_GEN_AI_PROMPT_NAME = 'gen_ai.prompt.name' as const;
/** Opt-in (content): the tool call's arguments, as a JSON string. */
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments' as const;
/** Opt-in (content): the tool call's result, as a JSON string. */
export const ATTR_GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result' as const;

export const GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL = 'execute_tool' as const;
/** error.type of a tools/call whose result has isError: true. */
export const ERROR_TYPE_VALUE_TOOL_ERROR = 'tool_error' as const;
export const NETWORK_TRANSPORT_VALUE_PIPE = 'pipe' as const;
export const NETWORK_TRANSPORT_VALUE_TCP = 'tcp' as const;
export const NETWORK_PROTOCOL_NAME_VALUE_HTTP = 'http' as const;

export const METHOD_TOOLS_CALL = 'tools/call' as const;
export const METHOD_PROMPTS_GET = 'prompts/get' as const;
export const METHOD_INITIALIZE = 'initialize' as const;
/** Requests whose params carry a resource URI (mcp.resource.uri). */
export const RESOURCE_METHODS: ReadonlySet<string> = new Set(['resources/read', 'resources/subscribe', 'resources/unsubscribe']);

export const METRIC_MCP_CLIENT_OPERATION_DURATION = 'mcp.client.operation.duration' as const;
export const METRIC_MCP_SERVER_OPERATION_DURATION = 'mcp.server.operation.duration' as const;
export const METRIC_MCP_CLIENT_SESSION_DURATION = 'mcp.client.session.duration' as const;
export const METRIC_MCP_SERVER_SESSION_DURATION = 'mcp.server.session.duration' as const;

/** The bucket boundaries the MCP conventions give for all four duration histograms (seconds). */
export const MCP_DURATION_BUCKETS: number[] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/** The first protocol revision with sessions (Mcp-Session-Id, Streamable HTTP). */
export const FIRST_PROTOCOL_VERSION_WITH_SESSIONS = '2025-03-26' as const;
