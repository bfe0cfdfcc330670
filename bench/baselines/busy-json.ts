// A Fastify route that spends WORK_MS of CPU on each request (busy-waiting, in one synchronous
// step) before answering a small JSON body: the least a server with that much work per request
// can do. Started by bench/latency-floor.ts with PORT and WORK_MS; prints "ready" when listening.
import Fastify from 'fastify';

const workMs = Number(process.env.WORK_MS ?? 0);
const app = Fastify({ logger: false });
app.get('/', async () => {
  const until = performance.now() + workMs;
  let spins = 0;
  while (performance.now() < until) spins += 1;
  return { hello: 'world', spins };
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
