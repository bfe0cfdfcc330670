import type { FastifyInstance } from 'fastify';
import { fromThisMachine } from '../../http/local-request.js';
import { render } from '../../http/views.js';
import { paths } from '../../paths.js';
import type { OutboxService } from './outbox.service.js';

/**
 * Development only (no SMTP_URL, not production): the emails myBTEC would have sent. Shown only to
 * a browser on this machine: to anyone else the page does not exist (an unsent email still holds
 * its one-time link).
 */
export function registerDevMailPage(app: FastifyInstance, deps: { outbox: OutboxService }): void {
  app.get(paths.devMail, { config: { access: 'public' } }, async (request, reply) => {
    if (!fromThisMachine(request)) return reply.callNotFound();
    return render(request, reply, 'notifications/views/dev-mail.njk', {
      emails: await deps.outbox.recent(100),
    });
  });
}
