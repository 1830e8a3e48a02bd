// An app that makes one HTTP request to itself: the smallest app with spans to export.
import { createServer } from 'node:http';

const server = createServer((req, res) => res.end('pong'));
server.listen(0, '127.0.0.1', async () => {
  const res = await fetch(`http://127.0.0.1:${server.address().port}/ping`);
  console.log(await res.text());
  server.close();
});
