// The trivial app of the startup benchmark: does a little work and prints a line.
let sum = 0;
for (let i = 0; i < 1e5; i++) sum += i;
console.log(`sum ${sum}`);
