import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Unauthenticated } from '../../errors.js';
import { errors } from '../../http/api-schemas.js';
import type { RateLimitConfig } from '../../http/context.js';
import { paths } from '../../paths.js';
import { presentUser } from './account.presenter.js';
import type { Account } from './account.repository.js';
import type { AccountService } from './account.service.js';
import { startSession } from './login.routes.js';
import { TERMS_VERSION } from './terms.js';

const User = Type.Object({
  id: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  username: Type.String(),
});

export function registerSessionApi(
  app: FastifyInstance,
  deps: { accounts: AccountService; now: () => Date; limit: RateLimitConfig },
): void {
  app.post(
    paths.api.session,
    {
      config: { access: 'public', csrf: false, ...deps.limit },
      schema: {
        tags: ['session'],
        summary: 'Log in',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 320 }),
            password: Type.String({ minLength: 1, maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ user: User }), ...errors(400, 401, 403, 423, 429) },
      },
    },
    async (request) => {
      const { username, password } = request.body as { username: string; password: string };
      const account = await deps.accounts.logIn(username, password, request.ip);
      await startSession(request, account, deps.now());
      return { user: presentUser(account) };
    },
  );

  app.get(
    paths.api.session,
    {
      config: { access: 'public' },
      schema: {
        tags: ['session'],
        summary:
          'The signed-in person, the CSRF token for state-changing calls, and whether the terms are accepted',
        response: {
          200: Type.Object({ user: User, csrfToken: Type.String(), termsAccepted: Type.Boolean() }),
          ...errors(401),
        },
      },
    },
    async (request, reply) => {
      if (!request.account) throw new Unauthenticated();
      return {
        user: presentUser(request.account),
        csrfToken: reply.generateCsrf(),
        termsAccepted: request.account.termsVersion === TERMS_VERSION,
      };
    },
  );

  app.delete(
    paths.api.session,
    {
      config: { access: 'session' },
      schema: {
        tags: ['session'],
        summary: 'Log out',
        response: { 204: Type.Null(), ...errors(401, 403) },
      },
    },
    async (request, reply) => {
      await deps.accounts.recordLogout(request.account as Account, request.ip);
      await request.session.destroy();
      return reply.code(204).send();
    },
  );

  app.post(
    paths.api.termsAccept,
    {
      config: { access: 'session' },
      schema: {
        tags: ['session'],
        summary: 'Accept the current terms and conditions',
        response: {
          200: Type.Object({ termsAccepted: Type.Boolean(), version: Type.String() }),
          ...errors(401, 403),
        },
      },
    },
    async (request) => {
      await deps.accounts.acceptTerms(request.account as Account, request.ip);
      return { termsAccepted: true, version: TERMS_VERSION };
    },
  );
}
