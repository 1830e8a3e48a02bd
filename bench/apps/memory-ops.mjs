// Runs ROUNDS captures and ROUNDS recalls in one process against REPO and prints the mean
// time per operation (µs) as JSON on stdout. Used with and without memotel's register.
import { createMemoryStore } from 'memotel/memory';

const rounds = Number(process.env.ROUNDS ?? 40);
const store = createMemoryStore({ repo: process.env.REPO });
const words = ['index', 'vector', 'notes', 'session', 'hook', 'recall', 'capture', 'latency'];
const text = (i) => `${words[i % 8]} ${words[(i * 3) % 8]} memory number ${i}`;

for (let i = 0; i < 5; i++) await store.capture({ namespace: 'research', summary: `warm ${i}`, content: text(i) });
for (let i = 0; i < 5; i++) await store.search(text(i), { k: 5 });

// Wall time is dominated by git child processes and noisy; this process's own CPU time is where
// instrumentation cost shows, so both are reported (µs per operation).
const cpu = (u) => u.user + u.system;
let t = process.hrtime.bigint();
let c = process.cpuUsage();
for (let i = 0; i < rounds; i++) await store.capture({ namespace: 'research', summary: `bench ${i}`, content: text(i) });
const capture = Number(process.hrtime.bigint() - t) / 1e3 / rounds;
const captureCpu = cpu(process.cpuUsage(c)) / rounds;
t = process.hrtime.bigint();
c = process.cpuUsage();
for (let i = 0; i < rounds; i++) await store.search(text(i), { k: 5 });
const recall = Number(process.hrtime.bigint() - t) / 1e3 / rounds;
const recallCpu = cpu(process.cpuUsage(c)) / rounds;
console.log(JSON.stringify({ capture, recall, captureCpu, recallCpu }));
