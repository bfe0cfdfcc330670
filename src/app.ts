import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySession from '@fastify/session';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/connection.js';
import { createAccountService } from './features/accounts/account.service.js';
import { registerLoginPages } from './features/accounts/login.routes.js';
import { registerSessionApi } from './features/accounts/session.api.js';
import { databaseRateLimitStore } from './features/accounts/rate-limit-store.js';
import { databaseSessionStore } from './features/accounts/session-store.js';
import { createAdminService } from './features/admin/admin.service.js';
import { registerAdminApi } from './features/admin/admin.api.js';
import { registerAdminPages } from './features/admin/admin.routes.js';
import { registerDevMailPage } from './features/notifications/dev-mail.routes.js';
import { createOutboxService } from './features/notifications/outbox.service.js';
import { createRoleClaimService } from './features/role-claims/role-claim.service.js';
import { registerRoleClaimApi } from './features/role-claims/role-claim.api.js';
import { registerRoleClaimPages } from './features/role-claims/role-claim.routes.js';
import { createFeedbackService } from './features/pages/feedback.service.js';
import { registerPages } from './features/pages/pages.routes.js';
import { registerQualificationApi } from './features/qualifications/qualification.api.js';
import { createQualificationService } from './features/qualifications/qualification.service.js';
import { registerAuditApi } from './features/audit/audit.api.js';
import { createAuditService } from './features/audit/audit.service.js';
import { registerBriefApi } from './features/briefs/brief.api.js';
import { createBriefService } from './features/briefs/brief.service.js';
import { registerCourseApi } from './features/courses/course.api.js';
import { createCourseService } from './features/courses/course.service.js';
import { registerCoursePages } from './features/courses/course.routes.js';
import { registerAssets } from './http/assets.js';
import { rateLimitConfig } from './http/context.js';
import { frameworkErrors, registerErrorHandling } from './http/error-handler.js';
import { registerGuard } from './http/guard.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { registerViews } from './http/views.js';
import { paths } from './paths.js';

export interface AppDeps {
  config: Pick<
    Config,
    'baseUrl' | 'sessionSecret' | 'secureCookies' | 'production' | 'rateLimitPerMinute' | 'smtpUrl'
  >;
  db: Db;
  dbKind: 'sqlite' | 'postgres';
  clock: Clock;
  logger?: FastifyServerOptions['logger'];
}

const ONE_MEGABYTE = 1024 * 1024;
/** The addresses a reverse proxy may have (proxy-addr's names): loopback and private networks. */
export const TRUSTED_PROXIES = 'loopback,linklocal,uniquelocal';

/** The web application: every feature registered, nothing listening. `server.ts` listens. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db, clock } = deps;
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: ONE_MEGABYTE,
    // Behind HTTPS there is a proxy in front: believe X-Forwarded-* only from a proxy on this
    // machine or the private network, so a client cannot choose its own address (rate limits, audit).
    trustProxy: config.secureCookies ? TRUSTED_PROXIES : false,
    genReqId: () => crypto.randomUUID(),
    frameworkErrors,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
  });
  app.decorate('devMailEnabled', !config.production && !config.smtpUrl);

  // Security headers first, with a fresh nonce per response for the one module script we serve.
  registerSecurityHeaders(app, {
    hsts: config.secureCookies,
    upgradeInsecureRequests: config.secureCookies,
  });
  await app.register(fastifyFormbody, { bodyLimit: ONE_MEGABYTE });
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: config.sessionSecret,
    cookieName: 'mybtec_session',
    store: databaseSessionStore(db, clock),
    saveUninitialized: false,
    rolling: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' },
  });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
  // Counted in the database, so instances sharing it share one budget per route and address.
  await app.register(fastifyRateLimit, {
    global: false,
    store: databaseRateLimitStore(db, clock),
  });
  await app.register(fastifySwagger, {
    // Only the JSON API is documented: every API route has tags, pages have none.
    hideUntagged: true,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'myBTEC API',
        version: '1.0.0',
        description: 'The JSON API of myBTEC (SPEC §10).',
      },
      servers: [{ url: config.baseUrl }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'mybtec_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
    },
  });
  await registerViews(app, { production: config.production });

  const limit = rateLimitConfig(config.rateLimitPerMinute);
  const now = () => clock.now();
  const accounts = createAccountService({ db, clock, baseUrl: config.baseUrl });
  const admin = createAdminService({ db, clock, accounts });
  const feedback = createFeedbackService({ db, clock });
  const roleClaims = createRoleClaimService({ db, clock, baseUrl: config.baseUrl });
  const qualifications = createQualificationService({ db });
  const courses = createCourseService({
    db,
    clock,
    baseUrl: config.baseUrl,
    qualifications,
    loadActor: roleClaims.loadActor,
  });
  const briefs = createBriefService({
    db,
    clock,
    baseUrl: config.baseUrl,
    loadActor: roleClaims.loadActor,
  });
  registerGuard(app, { db, clock, loadActor: roleClaims.loadActor });
  registerErrorHandling(app);
  await registerAssets(app);

  registerLoginPages(app, { accounts, now, limit });
  registerSessionApi(app, { accounts, now, limit });
  registerAdminPages(app, { admin });
  registerAdminApi(app, { admin });
  registerPages(app, { feedback, db });
  registerRoleClaimApi(app, { roleClaims });
  registerRoleClaimPages(app, { roleClaims });
  registerQualificationApi(app, { qualifications });
  registerCourseApi(app, { courses });
  registerCoursePages(app, { courses, qualifications, roleClaims });
  registerBriefApi(app, { briefs });
  (await import('./features/briefs/brief.routes.js')).registerBriefPages(app, {
    briefs,
    qualifications,
    clock,
  });
  registerAuditApi(app, { audit: createAuditService({ db }) });
  if (app.devMailEnabled) registerDevMailPage(app, { outbox: createOutboxService({ db }) });

  app.get(paths.health, { config: { access: 'public' }, schema: { hide: true } }, async () => ({
    ok: true,
  }));
  app.get(paths.api.openapi, { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  return app;
}
