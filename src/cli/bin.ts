#!/usr/bin/env node
// The `memotel` executable: everything else lives in main.ts.
import { processContext } from './context.js';
import { runCli } from './main.js';

// `memotel traces | head` closes stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

void runCli(process.argv.slice(2), processContext()).then((code) => {
  process.exitCode = code;
});
