// Baseline 2: a Fastify route rendering a small Nunjucks page through @fastify/view, templates
// cached (production), as the product renders its pages. Started by run.ts like hello-json.ts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyView from '@fastify/view';
import Fastify from 'fastify';
import nunjucks from 'nunjucks';

const views = path.join(path.dirname(fileURLToPath(import.meta.url)), 'views');
const app = Fastify({ logger: false });
await app.register(fastifyView, {
  engine: { nunjucks },
  templates: views,
  production: true,
  options: { autoescape: true, noCache: false },
});
const items = Array.from({ length: 10 }, (_, i) => ({ name: `Item ${i + 1}`, done: i % 3 === 0 }));
app.get('/', (_request, reply) =>
  reply
    .header('cache-control', 'no-store')
    .view('page.njk', { title: 'Hello', user: 'Ada Lovelace', items }),
);
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
