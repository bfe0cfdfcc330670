// Baseline 1: the least a Fastify server does — one route answering JSON. Started by run.ts as a
// child process on the same machine as the product, with PORT set; prints "ready" when listening.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
