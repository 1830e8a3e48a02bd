// Claude Code hook handler: turns one hook event into the hook's JSON answer.
//
// SessionStart       → the newest memories of this repository, as additional context.
// UserPromptSubmit   → "remember: <text>" or "remember(<namespace>): <text>" captures a memory;
//                      any other prompt is searched and the relevant memories are added.
// PostToolUse, Stop  → skip(): nothing to add (answered {}, counted as skipped).
//
// Kept apart from app.mjs (argument parsing): app.mjs wraps it with runHook from memotel/hooks,
// which reads stdin, writes the answer and records the run.
import { skip } from 'memotel/hooks';

const DEFAULT_REMEMBER_NAMESPACE = 'learnings';
const SESSION_START_LIMIT = 5;
const PROMPT_RESULTS = 3;
// Below this the local embedder's matches are mostly shared stray words: not worth the tokens.
const PROMPT_MIN_SIMILARITY = 0.15;
const MAX_CONTEXT_CONTENT_CHARS = 500;

// At the start of the prompt or of any line in it; the memory is the rest of the prompt.
const REMEMBER = /(?:^|\n)[ \t]*remember(?:\(([a-z]+)\))?[ \t]*:[ \t]*(\S[\s\S]*)$/i;

/**
 * @param {Record<string, unknown>} event a Claude Code hook event (parsed stdin JSON)
 * @param {import('memotel/memory').MemoryStore} store
 * @returns {Promise<object | import('memotel/hooks').Skip>} the JSON answer to print, or skip()
 */
export async function handleHookEvent(event, store) {
  switch (event.hook_event_name) {
    case 'SessionStart':
      return sessionStart(store);
    case 'UserPromptSubmit':
      return userPromptSubmit(String(event.prompt ?? ''), store);
    case 'PostToolUse':
    case 'Stop':
      return skip('nothing to add');
    default:
      // Unknown or future events: answer nothing rather than fail the user's session.
      return skip('unhandled event');
  }
}

async function sessionStart(store) {
  const memories = await store.recent(SESSION_START_LIMIT);
  if (memories.length === 0) return {};
  const lines = memories.map((m) => `- [${m.namespace}] ${m.summary} (${m.id})`);
  return context('SessionStart', `Memories recorded in this repository, newest first:\n${lines.join('\n')}`);
}

async function userPromptSubmit(prompt, store) {
  const remember = REMEMBER.exec(prompt);
  if (remember) {
    const namespace = remember[1]?.toLowerCase() ?? DEFAULT_REMEMBER_NAMESPACE;
    const text = remember[2].trim();
    const summary = [...text.split('\n')[0].trim()].slice(0, 100).join('');
    const result = await store.capture({ namespace, summary, content: text });
    const note = result.indexed ? '' : ' (stored without search index; run reindex)';
    return context('UserPromptSubmit', `memotel: remembered this as ${namespace} memory ${result.id}${note}.`);
  }
  if (prompt.trim() === '') return skip('empty prompt');
  const results = await store.search(prompt, { k: PROMPT_RESULTS, minSimilarity: PROMPT_MIN_SIMILARITY });
  if (results.length === 0) return {};
  const blocks = results.map((r) => {
    const body = r.content.length > MAX_CONTEXT_CONTENT_CHARS ? r.content.slice(0, MAX_CONTEXT_CONTENT_CHARS) + '…' : r.content;
    return `- [${r.namespace}] ${r.summary} (${r.id}, score ${r.score.toFixed(2)})${body ? '\n  ' + body.replace(/\n/g, '\n  ') : ''}`;
  });
  return context('UserPromptSubmit', `Relevant memories from this repository:\n${blocks.join('\n')}`);
}

function context(hookEventName, additionalContext) {
  return { hookSpecificOutput: { hookEventName, additionalContext } };
}
