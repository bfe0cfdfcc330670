import type { FastifyInstance } from 'fastify';
import { render } from '../../http/views.js';
import { paths } from '../../paths.js';
import type { OutboxService } from './outbox.service.js';

/** Development only (no SMTP_URL, not production): the emails myBTEC would have sent. */
export function registerDevMailPage(app: FastifyInstance, deps: { outbox: OutboxService }): void {
  app.get(paths.devMail, { config: { access: 'public' } }, async (request, reply) =>
    render(request, reply, 'notifications/views/dev-mail.njk', {
      emails: await deps.outbox.recent(100),
    }),
  );
}
