import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/connection.js';
import { render } from '../../http/views.js';
import { paths } from '../../paths.js';
import type { FeedbackService } from './feedback.service.js';

export function registerPages(app: FastifyInstance, _deps: { feedback: FeedbackService; db: Db }): void {
  app.get(paths.home, async (request, reply) => render(request, reply, 'pages/views/home.njk'));
}
