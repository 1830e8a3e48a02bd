// The HTTP face of the memory store (node:http, no framework):
//   POST /memories                         {namespace, summary, content} → 201 {id, namespace, commit, indexed}
//   GET  /memories/search?q=&k=&namespace= → 200 {results: [...]}
//   GET  /memories/<id>                    → 200 memory | 404
//   GET  /healthz                          → 200 {"status":"ok"}
// Bad input → 400 {error, code}. Nothing is written to stdout.
import http from 'node:http';
import { isMemotelError, INPUT_ERROR_CODES } from 'memotel/memory';

const MAX_BODY_BYTES = 256 * 1024;

class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function createServer(store, logger) {
  return http.createServer((req, res) => {
    route(req, store)
      .then(({ status, body }) => send(res, status, body))
      .catch((error) => {
        const { status, body } = errorResponse(error);
        if (status >= 500) logger.error({ code: body.code, err: error }, 'request failed');
        send(res, status, body);
      });
  });
}

async function route(req, store) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/healthz' && req.method === 'GET') return { status: 200, body: { status: 'ok' } };
  if (url.pathname === '/memories' && req.method === 'POST') {
    const input = await readJson(req);
    const result = await store.capture({ namespace: input.namespace, summary: input.summary, content: input.content });
    return { status: 201, body: result };
  }
  if (url.pathname === '/memories/search' && req.method === 'GET') {
    const q = url.searchParams.get('q');
    if (!q) throw new HttpError(400, 'MEMOTEL_ERR_INVALID_ARGUMENT', 'Missing query parameter q: pass the text to search for.');
    const k = url.searchParams.has('k') ? Number(url.searchParams.get('k')) : undefined;
    const namespace = url.searchParams.get('namespace') ?? undefined;
    return { status: 200, body: { results: await store.search(q, { k, namespace }) } };
  }
  if (url.pathname.startsWith('/memories/') && req.method === 'GET') {
    return { status: 200, body: await store.get(decodeURIComponent(url.pathname.slice('/memories/'.length))) };
  }
  throw new HttpError(404, 'NOT_FOUND', `No route for ${req.method} ${url.pathname}.`);
}

async function readJson(req) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {}
  throw new HttpError(400, 'INVALID_JSON', 'The request body must be a JSON object {namespace, summary, content}.');
}

function errorResponse(error) {
  if (error instanceof HttpError) return { status: error.status, body: { error: error.message, code: error.code } };
  if (isMemotelError(error)) {
    const status = INPUT_ERROR_CODES.has(error.code) ? 400 : error.code === 'MEMOTEL_ERR_NOT_FOUND' ? 404 : 500;
    return { status, body: { error: error.message, code: error.code } };
  }
  return { status: 500, body: { error: 'Internal error; see the server log.', code: 'INTERNAL' } };
}

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
