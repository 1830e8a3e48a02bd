// Runs `git rev-parse HEAD` N times through the memory library (the memotel:git channel).
import { runGit } from 'memotel/memory';

const n = Number(process.env.N);
for (let i = 0; i < n; i++) await runGit(process.env.REPO, ['rev-parse', 'HEAD']);
