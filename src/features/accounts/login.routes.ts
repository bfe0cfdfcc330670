import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, InvalidInput } from '../../errors.js';
import { asForm, raw, text } from '../../http/forms.js';
import { landingPath, render } from '../../http/views.js';
import type { RateLimitConfig } from '../../http/context.js';
import { paths } from '../../paths.js';
import type { AccountService } from './account.service.js';
import type { Account } from './account.repository.js';
import { TERMS_VERSION } from './terms.js';

/** A fresh session id at sign-in, so an id planted before sign-in is worth nothing after. */
export async function startSession(
  request: FastifyRequest,
  account: Account,
  now: Date,
): Promise<void> {
  await request.session.regenerate();
  request.session.accountId = account.id;
  request.session.signedInAt = now.toISOString();
  request.session.lastSeenAt = now.toISOString();
}

export function registerLoginPages(
  app: FastifyInstance,
  deps: { accounts: AccountService; now: () => Date; limit: RateLimitConfig },
): void {
  const { accounts } = deps;
  const showLogin = (
    request: FastifyRequest,
    reply: FastifyReply,
    data: Record<string, unknown> = {},
    status = 200,
  ) => render(request, reply, 'accounts/views/login.njk', data, status);

  app.get(paths.login, { config: { access: 'public' } }, async (request, reply) => {
    if (request.account) return reply.redirect(landingPath(request.account), 303);
    return showLogin(request, reply);
  });

  app.post(paths.login, { config: { access: 'public', ...deps.limit } }, async (request, reply) => {
    const form = asForm(request.body);
    const username = text(form, 'username');
    const password = raw(form, 'password');
    const errors: Record<string, string> = {};
    if (!username) errors.username = 'Enter your username';
    if (!password) errors.password = 'Enter your password';
    if (Object.keys(errors).length > 0) return showLogin(request, reply, { username, errors }, 400);
    try {
      const account = await accounts.logIn(username, password, request.ip);
      await startSession(request, account, deps.now());
      return reply.redirect(landingPath(account), 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const status = error.status;
      if (error.code === 'account_locked' || error.code === 'no_mybtec_access') {
        return showLogin(request, reply, { username, problem: error.message }, status);
      }
      return showLogin(request, reply, { username, errors: { username: error.message } }, status);
    }
  });

  app.post(paths.logout, { config: { access: 'session' } }, async (request, reply) => {
    if (request.account) await accounts.recordLogout(request.account, request.ip);
    await request.session.destroy();
    return reply.redirect(`${paths.login}?signedOut=1`, 303);
  });

  app.get(paths.terms, { config: { access: 'session' } }, async (request, reply) =>
    render(request, reply, 'accounts/views/terms.njk', {
      alreadyAccepted: request.account?.termsVersion === TERMS_VERSION,
    }),
  );

  app.post(paths.terms, { config: { access: 'session' } }, async (request, reply) => {
    const account = request.account as Account;
    if (text(asForm(request.body), 'accept') !== 'yes') {
      return render(
        request,
        reply,
        'accounts/views/terms.njk',
        {
          errors: {
            accept: 'Select that you have read and accept the terms and conditions to use myBTEC',
          },
        },
        400,
      );
    }
    await accounts.acceptTerms(account, request.ip);
    return reply.redirect(landingPath({ ...account, termsVersion: TERMS_VERSION }), 303);
  });

  app.get(paths.forgottenPassword, { config: { access: 'public' } }, async (request, reply) =>
    render(request, reply, 'accounts/views/forgotten-password.njk'),
  );

  app.post(
    paths.forgottenPassword,
    { config: { access: 'public', ...deps.limit } },
    async (request, reply) => {
      const username = text(asForm(request.body), 'username');
      if (!username || !/^[^\s@]+@[^\s@]+$/.test(username)) {
        return render(
          request,
          reply,
          'accounts/views/forgotten-password.njk',
          {
            username,
            errors: {
              username: 'Enter your username, which is your email address, like name@school.ac.uk',
            },
          },
          400,
        );
      }
      await accounts.requestPasswordReset(username, request.ip);
      return render(request, reply, 'accounts/views/forgotten-password-sent.njk', { username });
    },
  );

  app.get(paths.resetPassword, { config: { access: 'public' } }, async (request, reply) => {
    const token = text(asForm(request.query), 'token');
    const valid = token !== '' && (await accounts.resetLinkValid(token));
    return render(
      request,
      reply,
      'accounts/views/reset-password.njk',
      { token, valid },
      valid ? 200 : 400,
    );
  });

  app.post(
    paths.resetPassword,
    { config: { access: 'public', ...deps.limit } },
    async (request, reply) => {
      const form = asForm(request.body);
      const token = text(form, 'token');
      const password = raw(form, 'password');
      const confirm = raw(form, 'confirmPassword');
      if (password !== confirm) {
        return render(
          request,
          reply,
          'accounts/views/reset-password.njk',
          { token, valid: true, errors: { confirmPassword: 'The passwords do not match' } },
          400,
        );
      }
      try {
        await accounts.resetPassword(token, password, request.ip);
      } catch (error) {
        if (!(error instanceof InvalidInput)) throw error;
        const valid = !('token' in error.fields);
        return render(
          request,
          reply,
          'accounts/views/reset-password.njk',
          { token, valid, errors: error.fields },
          400,
        );
      }
      return reply.redirect(`${paths.login}?passwordChanged=1`, 303);
    },
  );
}
