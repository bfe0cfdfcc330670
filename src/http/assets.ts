import { readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { projectRoot } from '../lib/project-root.js';
import { paths } from '../paths.js';

const GOVUK_DIST = path.join(projectRoot, 'node_modules', 'govuk-frontend', 'dist', 'govuk');
const SYSTEM_FONTS = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif';

/**
 * govuk-frontend's stylesheet with its typeface swapped for the system font stack: the GOV.UK
 * Transport font is for government services only. Rewritten once at start-up, served from memory.
 */
function govukStylesheet(): string {
  return readFileSync(path.join(GOVUK_DIST, 'govuk-frontend.min.css'), 'utf8')
    .replace(/@font-face\{[^}]*\}/g, '')
    .replace(/font-family:GDS Transport,arial,sans-serif/g, `font-family:${SYSTEM_FONTS}`)
    .replace(/font-family:GDS Transport/g, `font-family:${SYSTEM_FONTS}`);
}

export async function registerAssets(app: FastifyInstance): Promise<void> {
  const css = govukStylesheet();
  app.get(
    `${paths.assets}/govuk-frontend.css`,
    { config: { access: 'public' } },
    (_request, reply) =>
      reply
        .type('text/css; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(css),
  );
  await app.register(async (assets) => {
    // Static files are for everyone, signed in or not.
    assets.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), access: 'public' };
    });
    await assets.register(fastifyStatic, {
      root: path.join(GOVUK_DIST),
      prefix: `${paths.assets}/govuk/`,
      decorateReply: false,
      allowedPath: (pathname) => /\.(m?js|png|svg|ico|woff2?)$/.test(pathname),
    });
    await assets.register(fastifyStatic, {
      root: path.join(projectRoot, 'src', 'public'),
      prefix: `${paths.assets}/app/`,
      decorateReply: false,
    });
  });
}
