import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/connection.js';
import { render } from '../../http/views.js';
import { paths } from '../../paths.js';
import { listOutbox } from './outbox.repository.js';

/** Development only (no SMTP_URL, not production): the emails myBTEC would have sent. */
export function registerDevMailPage(app: FastifyInstance, deps: { db: Db }): void {
  app.get(paths.devMail, { config: { access: 'public' } }, async (request, reply) => {
    const emails = (await listOutbox(deps.db, 100)).map((row) => ({
      id: row.id,
      to: row.to_address,
      subject: row.subject,
      text: row.body_text,
      createdAt: row.created_at,
      sentAt: row.sent_at,
      attempts: row.attempts,
    }));
    return render(request, reply, 'notifications/views/dev-mail.njk', { emails });
  });
}
