// The git CLI, run as a child process. Memories live in git notes under refs/notes/mem/<ns>,
// attached to a commit, so they travel with `git push/fetch refs/notes/*` and need no server.
//
// Writing a note: the text goes to `git hash-object -w --stdin` and the blob is attached with
// `git notes add -f -C <blob>`. `git notes add/append -F -` would be one process fewer, but it
// runs the text through stripspace (trailing blanks and repeated blank lines are lost) and
// git 2.39 has no --no-stripspace; `-C` stores the blob byte for byte.
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { traced, type GitContext } from './channels.js';
import { MemotelError } from './errors.js';
import type { MemoryLogger } from './logger.js';
import { NOTES_REF_PREFIX } from './namespaces.js';
import { redactUrlCredentials } from './redact.js';

export interface GitRunOptions {
  /** Text written to the process's stdin (note text travels here, never in args). */
  input?: string | Buffer;
  /** Exit codes that are answers rather than failures (e.g. 1 for "no note"). */
  okExitCodes?: readonly number[];
  notesRef?: string;
}

export interface GitRunResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

export interface GitOptions {
  /** Per git run; a hung git (e.g. waiting on a lock) fails with MEMOTEL_ERR_GIT_TIMEOUT. */
  timeoutMs?: number;
  logger?: MemoryLogger;
  /** The git executable; `git` on PATH by default. */
  gitBinary?: string;
}

export interface VcsInfo {
  /** remote.origin.url with any credentials replaced by REDACTED:REDACTED. */
  originUrl?: string;
  /** The branch HEAD points at, when HEAD is not detached. */
  headBranch?: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;
// Parseable messages regardless of the user's locale; never prompt for credentials.
const GIT_ENV = { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' };

function subcommandOf(args: readonly string[]): string {
  return args.find((a) => !a.startsWith('-')) ?? '';
}

/** Runs git once in `cwd`, publishing on memotel:git. Rejects on spawn errors, timeouts and
 * exit codes not in okExitCodes (0 always is). */
export function runGit(
  cwd: string,
  args: readonly string[],
  options: GitRunOptions & GitOptions = {},
): Promise<GitRunResult> {
  const build = (): GitContext => ({
    subcommand: subcommandOf(args),
    args,
    cwd,
    ...(options.notesRef !== undefined && { notesRef: options.notesRef }),
  });
  return traced('git', build, async (ctx) => {
    const result = await spawnGit(cwd, args, options);
    if (ctx) ctx.exitCode = result.exitCode;
    options.logger?.debug({ subcommand: subcommandOf(args), exitCode: result.exitCode }, 'git ran');
    if (result.exitCode !== 0 && !(options.okExitCodes ?? []).includes(result.exitCode)) {
      throw gitFailure(args, result);
    }
    return result;
  });
}

function spawnGit(cwd: string, args: readonly string[], options: GitRunOptions & GitOptions): Promise<GitRunResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const binary = options.gitBinary ?? 'git';
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd, env: { ...process.env, ...GIT_ENV }, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // EPIPE when git exits before reading stdin: the exit code tells the real story.
    child.stdin.on('error', () => {});
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT') {
        reject(
          new MemotelError(
            'MEMOTEL_ERR_GIT_MISSING',
            `Could not run "${binary}": git was not found on PATH. Install git (https://git-scm.com) and try again.`,
            { cause: error },
          ),
        );
      } else {
        reject(new MemotelError('MEMOTEL_ERR_GIT_FAILED', `Could not run git ${subcommandOf(args)}: ${error.message}`, { cause: error }));
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(
          new MemotelError(
            'MEMOTEL_ERR_GIT_TIMEOUT',
            `git ${subcommandOf(args)} did not finish within ${timeoutMs} ms in ${cwd}; check for a stale .git/*.lock file or raise the git timeout.`,
          ),
        );
        return;
      }
      resolve({
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode: code ?? (signal ? 128 : 1),
      });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

function gitFailure(args: readonly string[], result: GitRunResult): MemotelError {
  const firstLine = result.stderr.split('\n').find((l) => l.trim() !== '')?.trim() ?? `exit code ${result.exitCode}`;
  let hint = '';
  if (/tell me who you are|empty ident/i.test(result.stderr)) {
    hint = ' Set an identity: git config user.name "Name" && git config user.email you@example.com.';
  }
  return new MemotelError('MEMOTEL_ERR_GIT_FAILED', `git ${subcommandOf(args)} failed (exit ${result.exitCode}): ${firstLine}.${hint}`);
}

/** A work tree and its git directories, resolved once. */
export class GitRepository {
  /** Absolute path of the work tree's top level. */
  readonly root: string;
  /** This work tree's git dir (differs from commonDir in linked worktrees). */
  readonly gitDir: string;
  /** Where refs (and so notes) live; shared by all worktrees. memotel's files go here too. */
  readonly commonDir: string;
  readonly #options: GitOptions;
  #vcsInfo: Promise<VcsInfo> | undefined;

  private constructor(root: string, gitDir: string, commonDir: string, options: GitOptions) {
    this.root = root;
    this.gitDir = gitDir;
    this.commonDir = commonDir;
    this.#options = options;
  }

  /** Opens the repository containing `dir`; MEMOTEL_ERR_NOT_A_REPO if there is none. */
  static async open(dir: string, options: GitOptions = {}): Promise<GitRepository> {
    const absolute = path.resolve(dir);
    const info = await stat(absolute).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new MemotelError(
        'MEMOTEL_ERR_NOT_A_REPO',
        `${absolute} is not a directory: pass the path of a git work tree (the repository the memories belong to).`,
      );
    }
    const result = await runGit(absolute, ['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir'], {
      ...options,
      okExitCodes: [128],
    });
    if (result.exitCode !== 0) {
      if (/not a git repository/i.test(result.stderr)) {
        throw new MemotelError(
          'MEMOTEL_ERR_NOT_A_REPO',
          `${absolute} is not inside a git repository: run "git init" there (and make a first commit), or pass the repository's path.`,
        );
      }
      throw gitFailure(['rev-parse'], result);
    }
    const [root, gitDir, commonDir] = result.stdout.toString('utf8').trim().split('\n');
    if (!root || !gitDir || !commonDir) {
      // A bare repository has no top level: memories attach to a work tree's commits.
      throw new MemotelError(
        'MEMOTEL_ERR_NOT_A_REPO',
        `${absolute} has no work tree (bare repository?): pass the path of a checked-out repository.`,
      );
    }
    return new GitRepository(root, gitDir, path.resolve(absolute, commonDir), options);
  }

  run(args: readonly string[], options: GitRunOptions = {}): Promise<GitRunResult> {
    return runGit(this.root, args, { ...this.#options, ...options });
  }

  /** Full sha of the commit `rev` names (HEAD by default); MEMOTEL_ERR_NO_COMMIT when none. */
  async resolveCommit(rev = 'HEAD'): Promise<string> {
    const result = await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { okExitCodes: [1, 128] });
    const sha = result.stdout.toString('utf8').trim();
    if (result.exitCode !== 0 || !sha) {
      if (rev === 'HEAD') {
        throw new MemotelError(
          'MEMOTEL_ERR_NO_COMMIT',
          `The repository at ${this.root} has no commit yet: memories attach to a commit, so make one first (git commit --allow-empty -m "init").`,
        );
      }
      throw new MemotelError('MEMOTEL_ERR_NO_COMMIT', `"${rev}" does not name a commit in ${this.root}: pass a commit sha, branch or tag.`);
    }
    return sha;
  }

  /** The note text on `commit` in `notesRef`, or undefined when there is none. */
  async readNote(notesRef: string, commit: string): Promise<string | undefined> {
    const result = await this.run(['notes', '--ref', notesRef, 'show', commit], { notesRef, okExitCodes: [1] });
    if (result.exitCode === 1) return undefined;
    return result.stdout.toString('utf8');
  }

  /** Replaces the note on `commit` with `text`, stored byte for byte. */
  async writeNote(notesRef: string, commit: string, text: string): Promise<void> {
    const blob = (await this.run(['hash-object', '-w', '--stdin'], { input: text })).stdout.toString('utf8').trim();
    await this.run(['notes', '--ref', notesRef, 'add', '-f', '-C', blob, commit], { notesRef });
  }

  /** Appends `text` to the note on `commit` (creating it); returns the whole new note. Call
   * under the repository lock: this is a read-modify-write. */
  async appendNote(notesRef: string, commit: string, join: (existing: string | undefined) => string): Promise<string> {
    const next = join(await this.readNote(notesRef, commit));
    await this.writeNote(notesRef, commit, next);
    return next;
  }

  async removeNote(notesRef: string, commit: string): Promise<boolean> {
    const result = await this.run(['notes', '--ref', notesRef, 'remove', '--ignore-missing', commit], { notesRef });
    return result.exitCode === 0;
  }

  /** Every note in `notesRef` as {commit, blob}. */
  async listNotes(notesRef: string): Promise<Array<{ commit: string; blob: string }>> {
    // Exit 1 here means the ref does not exist yet: no notes.
    const result = await this.run(['notes', '--ref', notesRef, 'list'], { notesRef, okExitCodes: [1] });
    if (result.exitCode !== 0) return [];
    return result.stdout
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [blob = '', commit = ''] = line.split(' ');
        return { blob, commit };
      });
  }

  /** The memotel notes refs that exist, e.g. refs/notes/mem/decisions. */
  async listMemoryRefs(): Promise<string[]> {
    const result = await this.run(['for-each-ref', '--format=%(refname)', NOTES_REF_PREFIX]);
    return result.stdout.toString('utf8').split('\n').filter(Boolean);
  }

  /** Reads many blobs in one process (`git cat-file --batch`). Missing objects are left out. */
  async readBlobs(shas: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (shas.length === 0) return out;
    const result = await this.run(['cat-file', '--batch'], { input: shas.join('\n') + '\n' });
    const buf = result.stdout;
    let pos = 0;
    for (const sha of shas) {
      const eol = buf.indexOf(0x0a, pos);
      if (eol < 0) break;
      const header = buf.subarray(pos, eol).toString('utf8').split(' ');
      pos = eol + 1;
      if (header[1] === 'missing' || header.length < 3) continue;
      const size = Number(header[2]);
      out.set(sha, buf.subarray(pos, pos + size).toString('utf8'));
      pos += size + 1; // content is followed by a newline
    }
    return out;
  }

  /** What is cheaply known about the repository's origin and HEAD; read once, then cached. */
  vcsInfo(): Promise<VcsInfo> {
    this.#vcsInfo ??= (async () => {
      const [origin, branch] = await Promise.all([
        this.run(['config', '--get', 'remote.origin.url'], { okExitCodes: [1] }),
        this.run(['symbolic-ref', '--quiet', '--short', 'HEAD'], { okExitCodes: [1] }),
      ]);
      const info: VcsInfo = {};
      const url = origin.stdout.toString('utf8').trim();
      if (origin.exitCode === 0 && url) info.originUrl = redactUrlCredentials(url);
      const head = branch.stdout.toString('utf8').trim();
      if (branch.exitCode === 0 && head) info.headBranch = head;
      return info;
    })();
    return this.#vcsInfo;
  }
}
