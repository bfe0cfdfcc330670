import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/connection.js';
import { InvalidInput } from '../../errors.js';
import { asForm, raw, text } from '../../http/forms.js';
import { render } from '../../http/views.js';
import { paths } from '../../paths.js';
import type { Account } from '../accounts/account.repository.js';
import { FEEDBACK_MAX_LENGTH, type FeedbackService } from './feedback.service.js';

const mybtec = { access: 'mybtec' } as const;

/** The pages around the work itself: home, help, links, feedback, and the parts still to come. */
export function registerPages(
  app: FastifyInstance,
  deps: { feedback: FeedbackService; db: Db },
): void {
  const { feedback } = deps;

  app.get(paths.home, { config: mybtec }, async (request, reply) =>
    render(request, reply, 'pages/views/home.njk', {
      firstName: (request.account as Account).firstName,
      qualityNominee: await feedback.canRead(request.account as Account),
    }),
  );

  app.get(paths.help, { config: { access: 'public' } }, async (request, reply) =>
    render(request, reply, 'pages/views/help.njk'),
  );

  app.get(paths.links, { config: mybtec }, async (request, reply) =>
    render(request, reply, 'pages/views/links.njk'),
  );

  app.get(paths.feedback, { config: mybtec }, async (request, reply) => {
    const qualityNominee = await feedback.canRead(request.account as Account);
    if (text(asForm(request.query), 'sent') === '1') {
      return render(request, reply, 'pages/views/feedback-sent.njk', { qualityNominee });
    }
    return render(request, reply, 'pages/views/feedback.njk', {
      maxLength: FEEDBACK_MAX_LENGTH,
      qualityNominee,
    });
  });

  app.post(paths.feedback, { config: mybtec }, async (request, reply) => {
    const message = raw(asForm(request.body), 'message');
    try {
      await feedback.send(request.account as Account, message, request.ip);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      return render(
        request,
        reply,
        'pages/views/feedback.njk',
        {
          maxLength: FEEDBACK_MAX_LENGTH,
          message,
          errors: error.fields,
          qualityNominee: await feedback.canRead(request.account as Account),
        },
        400,
      );
    }
    return reply.redirect(`${paths.feedback}?sent=1`, 303);
  });

  app.get(paths.feedbackReceived, { config: mybtec }, async (request, reply) => {
    const items = await feedback.received(request.account as Account);
    return render(request, reply, 'pages/views/feedback-received.njk', { items });
  });
}
