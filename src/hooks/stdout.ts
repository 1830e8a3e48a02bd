// stdout belongs to the hook's answer. Anything else written there (a stray console.log in the
// handler or a library it calls) would corrupt the JSON the host parses, or, for Claude Code's
// SessionStart and UserPromptSubmit, be added to the model's context. So from runHook's start
// until the process ends, writes through process.stdout go to stderr instead, and the answer
// is written once through the original method.

export type AnswerWriter = (text: string) => Promise<void>;

export function claimStdout(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): AnswerWriter {
  const write = stdout.write.bind(stdout) as (chunk: string, callback: (error?: Error | null) => void) => boolean;
  stdout.write = ((...args: Parameters<typeof stdout.write>) => (stderr.write as (...a: unknown[]) => boolean)(...args)) as typeof stdout.write;
  // The host may close its end early (EPIPE): there is no one left to answer, and an unhandled
  // stream error would crash the hook.
  stdout.on('error', () => {});
  let written = false;
  return (text) =>
    new Promise((resolve) => {
      if (written) return resolve();
      written = true;
      write(text, () => resolve());
    });
}
