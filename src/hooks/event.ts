// Reading the hook event from stdin. Error messages never quote the input: it can hold the
// user's prompt or a tool's output, and the message also goes into telemetry.
import { MemotelError } from '../memory/errors.js';
import { describe } from './options.js';
import type { HookEvent } from './types.js';

const EXAMPLE = '{"hook_event_name":"Stop","session_id":"..."}';

export async function readEvent(stdin: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin): Promise<HookEvent> {
  if (stdin.isTTY) throw inputError(`stdin is a terminal; pipe the hook event to it as JSON, e.g. echo '${EXAMPLE}' | node hook.mjs`);
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return parseEvent(Buffer.concat(chunks).toString('utf8'));
}

export function parseEvent(text: string): HookEvent {
  if (text.trim() === '') throw inputError(`stdin is empty; expected the hook event as JSON, e.g. ${EXAMPLE}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw inputError(`stdin is not valid JSON (${Buffer.byteLength(text)} bytes); expected the hook event as JSON, e.g. ${EXAMPLE}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw inputError(`the JSON on stdin is ${describe(value)}, not an object; expected a hook event, e.g. ${EXAMPLE}`);
  }
  const name = (value as Record<string, unknown>).hook_event_name;
  if (typeof name !== 'string' || name === '') {
    throw inputError(`the JSON on stdin has no "hook_event_name" string, so it is not a hook event; e.g. ${EXAMPLE}`);
  }
  return value as HookEvent;
}

function inputError(message: string): MemotelError {
  return new MemotelError('MEMOTEL_ERR_INVALID_ARGUMENT', message);
}
