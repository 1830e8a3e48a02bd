// The express app of the auto-instrumentation benchmark: one request to itself, then exit.
const express = require('express');

const app = express();
app.get('/users/:id', (req, res) => res.json({ id: req.params.id }));
const server = app.listen(0, '127.0.0.1', async () => {
  const res = await fetch(`http://127.0.0.1:${server.address().port}/users/1`);
  console.log(await res.text());
  server.close();
});
