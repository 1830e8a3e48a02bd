// The pure parts of memotel-mcp: span names and attributes from a JSON-RPC request, the
// session rule, the metric allowlist, content attributes.
import { describe, expect, test } from '@jest/globals';
import {
  metricAttributes,
  protocolHasSessions,
  requestIdAttribute,
  requestSpanStart,
  toolArgumentsAttribute,
  toolResultAttribute,
  transportAttributes,
} from '../../src/instrumentation/mcp/attributes.js';

describe('requestSpanStart', () => {
  test('tools/call: named after the tool, execute_tool', () => {
    expect(requestSpanStart({ method: 'tools/call', params: { name: 'search_nodes', arguments: { q: 'x' } } })).toEqual({
      name: 'tools/call search_nodes',
      attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'search_nodes', 'gen_ai.operation.name': 'execute_tool' },
    });
  });
  test('prompts/get: named after the prompt, no operation name', () => {
    expect(requestSpanStart({ method: 'prompts/get', params: { name: 'review' } })).toEqual({
      name: 'prompts/get review',
      attributes: { 'mcp.method.name': 'prompts/get', 'gen_ai.prompt.name': 'review' },
    });
  });
  test('resources/read: the URI is an attribute, never in the name', () => {
    expect(requestSpanStart({ method: 'resources/read', params: { uri: 'file:///secret/path' } })).toEqual({
      name: 'resources/read',
      attributes: { 'mcp.method.name': 'resources/read', 'mcp.resource.uri': 'file:///secret/path' },
    });
  });
  test('anything else: the method alone', () => {
    expect(requestSpanStart({ method: 'tools/list' }).name).toBe('tools/list');
    expect(requestSpanStart({ method: 'tools/call', params: {} }).name).toBe('tools/call');
  });
});

test('jsonrpc.request.id is a string, absent for a null or missing id', () => {
  expect(requestIdAttribute(0)).toEqual({ 'jsonrpc.request.id': '0' });
  expect(requestIdAttribute('req-7')).toEqual({ 'jsonrpc.request.id': 'req-7' });
  expect(requestIdAttribute(null)).toEqual({});
  expect(requestIdAttribute(undefined)).toEqual({});
});

test('sessions exist from protocol revision 2025-03-26 on', () => {
  expect(protocolHasSessions('2024-11-05')).toBe(false);
  expect(protocolHasSessions('2025-03-26')).toBe(true);
  expect(protocolHasSessions('2025-11-25')).toBe(true);
  expect(protocolHasSessions(undefined)).toBe(false);
});

test('network attributes from the transport class', () => {
  class StdioServerTransport {}
  class StreamableHTTPClientTransport {}
  class InMemoryTransport {}
  expect(transportAttributes(new StdioServerTransport())).toEqual({ 'network.transport': 'pipe' });
  expect(transportAttributes(new StreamableHTTPClientTransport())).toEqual({ 'network.transport': 'tcp', 'network.protocol.name': 'http' });
  expect(transportAttributes(new InMemoryTransport())).toEqual({});
  expect(transportAttributes(undefined)).toEqual({});
});

test('metrics get only the bounded attributes', () => {
  expect(
    metricAttributes({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'recall',
      'jsonrpc.request.id': '3',
      'mcp.session.id': 'abc',
      'mcp.resource.uri': 'file:///x',
      'gen_ai.tool.call.arguments': '{}',
      'error.type': 'tool_error',
    }),
  ).toEqual({ 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'recall', 'error.type': 'tool_error' });
});

test('content: JSON strings, cut to the limit, the result without _meta', () => {
  expect(toolArgumentsAttribute({ method: 'tools/call', params: { arguments: { query: 'abcdef' } } }, 10)).toEqual({
    'gen_ai.tool.call.arguments': '{"query":"',
  });
  expect(toolArgumentsAttribute({ method: 'tools/call', params: {} }, undefined)).toEqual({});
  expect(toolResultAttribute({ content: [{ type: 'text', text: 'hi' }], _meta: { traceparent: 'x' } }, undefined)).toEqual({
    'gen_ai.tool.call.result': '{"content":[{"type":"text","text":"hi"}]}',
  });
});
