// The test S3 server's own process (started by s3.ts): s3rver on 127.0.0.1:<port>, storing into
// <directory>, with one bucket per <bucket> argument. Prints "listening" once it accepts
// connections; exits 98 when the port is taken; exits when its standard input closes, so it never outlives the test that started it.
import { createServer } from 'node:http';
import S3rver from 's3rver';

const [port, directory, ...buckets] = process.argv.slice(2);
const s3rver = new S3rver({ directory, silent: true, configureBuckets: buckets.map((name) => ({ name })) });
await s3rver.configureBuckets();
const server = createServer(s3rver.callback());
server.on('error', (error) => {
  console.error(error.message);
  process.exit(error.code === 'EADDRINUSE' ? 98 : 1);
});
server.listen(Number(port), '127.0.0.1', () => console.log('listening'));
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.stdin.on('end', stop).resume();
process.on('SIGTERM', stop);
