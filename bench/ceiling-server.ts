// The ceiling: a bare node:http server that answers every request with the same bytes, held in memory.
// Usage: node --import tsx bench/ceiling-server.ts FILE PORT
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const [file, port] = process.argv.slice(2);
const body = readFileSync(file!);
const headers = { 'content-type': 'application/xml; charset=utf-8', 'content-length': body.length };
const server = createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.listen(Number(port), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
