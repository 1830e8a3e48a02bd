// Runs N captures (OP=capture) or N recalls (OP=recall, over memories captured first) through
// the memory library, for counting this process's instructions per operation (bench/instructions.ts).
import { createMemoryStore } from 'memotel/memory';

const n = Number(process.env.N);
const store = createMemoryStore({ repo: process.env.REPO });
const text = (i) => `memory number ${i} about ${['index', 'vector', 'notes', 'hook'][i % 4]}`;
if (process.env.OP === 'recall') for (let i = 0; i < n; i++) await store.search(text(i), { k: 5 });
else for (let i = 0; i < n; i++) await store.capture({ namespace: 'research', summary: `loop ${i}`, content: text(i) });
