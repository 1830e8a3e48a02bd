// git: is the executable there, and which version.
import { runGit } from '../../memory/git.js';
import { failed, timed, type ComponentResult } from './types.js';

export async function checkGit(cwd: string): Promise<ComponentResult> {
  const started = performance.now();
  try {
    const { value, ms } = await timed(() => runGit(cwd, ['--version'], { timeoutMs: 5000 }));
    const version = value.stdout.toString('utf8').trim();
    return { name: 'git', status: 'ok', summary: version, latencyMs: ms, data: { version } };
  } catch (error) {
    return failed('git', error, performance.now() - started);
  }
}
