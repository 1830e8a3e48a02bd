// The plugin hook in docs/hooks.md works as written: its hooks.json command, run by a shell the
// way Claude Code runs it, with memotel installed in the plugin (not in the user's project).
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { childrenOf, findSpan, startReceiver, type Receiver } from '../utils/otlp-receiver.js';
import { PROJECT_ROOT, tempDir, type TempDir } from '../utils/fixtures.js';
import { makeRepo, removeDir } from '../memory/helpers.js';
import { APP } from './helpers.js';

const DOC = readFileSync(join(PROJECT_ROOT, 'docs/hooks.md'), 'utf8');

function codeBlock(language: string): string {
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(DOC);
  if (!match) throw new Error(`docs/hooks.md has no \`\`\`${language} block`);
  return match[1]!;
}

let receiver: Receiver;
let plugin: TempDir;
let repo: string;

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => receiver.close());
beforeEach(async () => {
  receiver.reset();
  plugin = await tempDir('memotel-plugin-');
  repo = await makeRepo();
});
afterEach(async () => {
  await plugin.cleanup();
  await removeDir(repo);
});

test('the documented hook answers with the memories of the event cwd, and reports its span', async () => {
  const hooksJson = JSON.parse(codeBlock('json'));
  const command: string = hooksJson.hooks.UserPromptSubmit[0].hooks[0].command;
  const script = /hooks\/[\w-]+\.mjs/.exec(command)![0];
  const js = codeBlock('js');
  expect(hooksJson.hooks.UserPromptSubmit[0].hooks[0].timeout * 1000).toBeGreaterThan(Number(/budgetMs: ([\d_]+)/.exec(js)![1]!.replace('_', '')));
  mkdirSync(join(plugin.path, 'hooks'), { recursive: true });
  writeFileSync(join(plugin.path, 'hooks/hooks.json'), JSON.stringify(hooksJson));
  writeFileSync(join(plugin.path, script), js);
  mkdirSync(join(plugin.path, 'node_modules'));
  symlinkSync(PROJECT_ROOT, join(plugin.path, 'node_modules/memotel'), 'dir');

  await promisify(execFile)(process.execPath, [APP, 'capture', '--repo', repo, '--namespace', 'patterns', '--summary', 'Retry git on index.lock with backoff']);

  const home = join(plugin.path, 'home');
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: repo, // hooks run in the user's project
      env: {
        PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
        HOME: home,
        CLAUDE_PLUGIN_ROOT: plugin.path,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcUrl,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 'doc-session', cwd: repo, prompt: 'why does git fail on index.lock?' }));
  });

  expect(run).toMatchObject({ code: 0, stderr: '' });
  const answer = JSON.parse(run.stdout);
  expect(answer.hookSpecificOutput).toEqual({
    hookEventName: 'UserPromptSubmit',
    additionalContext: 'Relevant memories:\n- [patterns] Retry git on index.lock with backoff',
  });
  await receiver.waitFor((r) => r.spans().some((s) => s.name === 'hook UserPromptSubmit'));
  const root = findSpan(receiver.spans(), 'hook UserPromptSubmit');
  expect(root.attributes).toMatchObject({ 'memotel.hook.outcome': 'success', 'memotel.hook.budget.limit': 8 });
  expect(childrenOf(receiver.spans(), root).map((s) => s.name)).toContain('search_memory');
});
