// The main job: the example memory app under memotel's register, with no collector.
// Creates a scratch git repository, captures a few memories, recalls, answers a hook event,
// asks the app's MCP server (an agent's tool call over stdio), then shows what landed in the
// local store with the memotel CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'memotel-demo-'));
const repo = join(work, 'repo');
const env = {
  ...process.env,
  // Keep the demo's telemetry apart from anything else on this machine.
  MEMOTEL_STORE_DIR: join(work, 'store'),
  OTEL_SERVICE_NAME: 'memotel-demo',
};
for (const k of Object.keys(env)) if (k.startsWith('OTEL_EXPORTER_OTLP')) delete env[k];

const quote = (a) => (/^[\w./:=-]+$/.test(a) ? a : `'${a}'`);

function run(title, cmd, args, options = {}) {
  console.log(`\n$ ${title}`);
  const r = spawnSync(cmd, args, { env, cwd: repo, encoding: 'utf8', ...options });
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.status !== 0) {
    console.error(`demo: "${title}" exited with ${r.status}`);
    process.exit(1);
  }
  return r.stdout;
}

const app = (args, input) =>
  run(`node --import memotel/register app.mjs ${args.map(quote).join(' ')}`, process.execPath, [
    '--import', join(root, 'register.js'), join(root, 'examples/memory-app/app.mjs'), ...args,
  ], { input });

// The scratch repository carries its own identity: git notes need one, and a fresh machine
// may have no global git identity.
for (const args of [
  ['init', '-q', repo],
  ['-C', repo, 'config', 'user.name', 'memotel demo'],
  ['-C', repo, 'config', 'user.email', 'demo@example.invalid'],
  ['-C', repo, 'commit', '-q', '--allow-empty', '-m', 'init'],
]) {
  const r = spawnSync('git', args, { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`demo: git ${args.join(' ')} failed: ${r.error?.message ?? r.stderr}`);
    process.exit(1);
  }
}
console.log(`scratch repository: ${repo}`);
console.log(`telemetry store:    ${env.MEMOTEL_STORE_DIR} (no collector needed)`);

app(['capture', '--namespace', 'decisions', '--summary', 'Export over OTLP gRPC by default', '--content', 'http/protobuf stays available.']);
app(['capture', '--namespace', 'learnings', '--summary', 'Hook processes must never write telemetry to stdout']);
app(['capture', '--namespace', 'patterns', '--summary', 'Keep memory content out of telemetry unless opted in']);
app(['recall', 'what goes to stdout in hooks', '--k', '2']);
app(['hook'], JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 'demo-session-1', prompt: 'how do we export telemetry?' }));

// An agent calling the app's MCP server: the client and the server (a child process) both run
// under the preload, and the tool call is one trace across the two processes.
run(`node --import memotel/register mcp-client.mjs recall '{"query":"telemetry and stdout","k":1}'`, process.execPath, [
  '--import', join(root, 'register.js'), join(root, 'examples/memory-app/mcp-client.mjs'),
  'recall', JSON.stringify({ query: 'telemetry and stdout', k: 1 }), '--repo', repo,
]);
if (typeof Module.registerHooks !== 'function') {
  console.log(`(Node ${process.versions.node} has no module.registerHooks: the SDK's ES modules are not instrumented here; run the demo on Node >= 22.22.3 or 24.11.1 to see the MCP spans)`);
}

const cli = join(root, 'dist/bundle/cli.js');
if (existsSync(cli)) {
  const list = run('memotel traces --limit 10', process.execPath, [cli, 'traces', '--limit', '10']);
  const id = /\b([0-9a-f]{32})\b/.exec(list)?.[1];
  if (id) run(`memotel traces ${id}`, process.execPath, [cli, 'traces', id]);
  run('memotel metrics --filter memotel', process.execPath, [cli, 'metrics', '--filter', 'memotel']);
  run('memotel metrics --filter mcp', process.execPath, [cli, 'metrics', '--filter', 'mcp']);
}
console.log(`\ndemo done. Explore further with: MEMOTEL_STORE_DIR=${env.MEMOTEL_STORE_DIR} npx memotel traces`);
