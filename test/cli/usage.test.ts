// Help, usage errors and exit codes: the built CLI as a child process, plus in-process runCli
// calls for what only a context object can set up (a terminal, a broken stdout).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';
import { join } from 'node:path';
import { nodeBinaries, runFixture } from '../utils/fixtures.js';
import { CLI, CLI_FIXTURES, expectExit, memotel, sandbox, throughPreload, type Sandbox } from './helpers.js';

let box: Sandbox;

beforeAll(async () => {
  box = await sandbox();
});
afterAll(async () => box?.cleanup());

describe('help', () => {
  test('memotel --help lists every command; memotel help CMD equals CMD --help', async () => {
    const general = await memotel(box, ['--help']);
    expectExit(general, 0);
    for (const name of ['traces', 'metrics', 'health', 'store']) expect(general.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));

    for (const name of ['traces', 'metrics', 'health', 'store']) {
      const [viaHelp, viaFlag, viaShort] = await Promise.all([
        memotel(box, ['help', name]),
        memotel(box, [name, '--help']),
        memotel(box, [name, '-h']),
      ]);
      expectExit(viaHelp, 0);
      expect(viaFlag.stdout).toBe(viaHelp.stdout);
      expect(viaShort.stdout).toBe(viaHelp.stdout);
      expect(viaHelp.stdout).toMatch(new RegExp(`^Usage:\\n  memotel ${name}`));
      expect(viaHelp.stdout).toContain('\nOptions:\n');
      expect(viaHelp.stdout).toContain('-h, --help');
      expect(viaHelp.stdout).toContain('\nExamples:\n');
    }
  });

  test('--version prints the version', async () => {
    const r = await memotel(box, ['--version']);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('usage errors: exit 2, the argument and the command named, no stack trace', () => {
  const cases: Array<[string[], string]> = [
    [[], 'memotel: missing command'],
    [['frobnicate'], "memotel: unknown command 'frobnicate' (commands: traces, metrics, health, store)"],
    [['help', 'frobnicate'], "memotel: unknown command 'frobnicate'"],
    [['--bogus'], "memotel: unknown option '--bogus'"],
    [['traces', '--bogus'], "memotel traces: unknown option '--bogus'"],
    [['traces', '--limit'], "memotel traces: option '--limit <value>' argument missing"],
    [['traces', '--limit', '0'], 'memotel traces: --limit "0" is not a whole number of at least 1'],
    [['traces', '--since', 'yesterday'], 'memotel traces: --since "yesterday" is not a duration'],
    [['traces', '--status', 'maybe'], 'memotel traces: --status "maybe" is not one of ok, error'],
    [['traces', '--session', 'not-hex'], 'memotel traces: --session "not-hex" is not hex'],
    [['traces', 'abcdef0123456789', 'extra'], "memotel traces: unexpected argument 'extra'"],
    [['traces', 'abcdef0123456789', '--status', 'ok'], 'memotel traces: --status filters the trace list'],
    [['metrics', '--json', '--format', 'prometheus'], 'memotel metrics: --json cannot be combined with --format prometheus'],
    [['health', 'now'], "memotel health: unexpected argument 'now'"],
  ];

  test.each(cases)('memotel %j', async (args, message) => {
    const r = await memotel(box, args);
    expectExit(r, 2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(/Run 'memotel( \w+)? --help' for usage\.\n$/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

// parseArgs' messages are Node's: the CLI must read them the same way on every supported Node.
describe.each(nodeBinaries())('on $label', ({ path }) => {
  test('a usage error names the argument, and help works', async () => {
    const run = (args: string[]) => runFixture({ script: CLI, args, register: 'none', node: path, env: box.env });
    const missing = await run(['traces', '--limit']);
    expectExit(missing, 2);
    expect(missing.stderr).toBe("memotel traces: option '--limit <value>' argument missing\nRun 'memotel traces --help' for usage.\n");
    const unknown = await run(['store', 'info', '--everything']);
    expectExit(unknown, 2);
    expect(unknown.stderr.split('\n')[0]).toBe("memotel store: unknown option '--everything'");
    const help = await run(['help', 'health']);
    expectExit(help, 0);
    expect(help.stdout).toMatch(/^Usage:\n  memotel health/);
  });
});

describe('in process, through the context object', () => {
  function context(options: { isTTY?: boolean; env?: Record<string, string>; failWrite?: boolean } = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const ctx: CliContext = {
      stdout: {
        isTTY: options.isTTY,
        write: (s: string) => {
          if (options.failWrite) throw new Error('stdout exploded');
          out.push(s);
          return true;
        },
      },
      stderr: { write: (s: string) => err.push(s) },
      env: { ...box.env, ...options.env },
      cwd: box.dir.path,
      now: () => Date.now(),
    };
    return { ctx, out: () => out.join(''), err: () => err.join('') };
  }

  test('colour on a terminal, none with NO_COLOR or without a terminal', async () => {
    const run = await throughPreload(box, join(CLI_FIXTURES, 'known-trace.mjs'));
    expectExit(run, 0);
    const traceId = run.stdout.trim();

    const tty = context({ isTTY: true });
    expect(await runCli(['traces', traceId], tty.ctx)).toBe(0);
    expect(tty.out()).toContain('\u001b[31m✗\u001b[39m');

    const noColor = context({ isTTY: true, env: { NO_COLOR: '1' } });
    expect(await runCli(['traces', traceId], noColor.ctx)).toBe(0);
    expect(noColor.out()).not.toContain('\u001b[');
    expect(noColor.out().replace(/\u001b\[[0-9;]*m/g, '')).toBe(tty.out().replace(/\u001b\[[0-9;]*m/g, ''));

    const pipe = context({ isTTY: false });
    expect(await runCli(['traces', traceId], pipe.ctx)).toBe(0);
    expect(pipe.out()).not.toContain('\u001b[');
  });

  test('an unexpected failure says it is a bug (exit 1) and prints the stack only with MEMOTEL_DEBUG', async () => {
    const quiet = context({ failWrite: true });
    expect(await runCli(['--version'], quiet.ctx)).toBe(1);
    expect(quiet.err()).toBe(
      'memotel: unexpected error: stdout exploded\nThis is a bug in memotel: please report it with the command you ran (MEMOTEL_DEBUG=1 prints the stack trace).\n',
    );
    const debug = context({ failWrite: true, env: { MEMOTEL_DEBUG: '1' } });
    expect(await runCli(['store', 'info'], debug.ctx)).toBe(1);
    expect(debug.err()).toMatch(/^memotel store: unexpected error: stdout exploded\n.*\nError: stdout exploded\n\s+at /);
  });

  test('an empty store is not an error', async () => {
    const empty = context({ env: { MEMOTEL_STORE_DIR: join(box.dir.path, 'nothing-here') } });
    expect(await runCli(['traces'], empty.ctx)).toBe(0);
    expect(empty.out()).toMatch(/^No traces in .*nothing-here\./);
    expect(await runCli(['metrics'], empty.ctx)).toBe(0);
    expect(empty.out()).toContain('No metrics in');
  });
});
