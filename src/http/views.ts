import path from 'node:path';
import fastifyView from '@fastify/view';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import nunjucks from 'nunjucks';
import { TERMS_VERSION } from '../features/accounts/terms.js';
import { formatShortDate, formatTime } from '../lib/dates.js';
import { projectRoot } from '../lib/project-root.js';
import { paths } from '../paths.js';
import { fromThisMachine } from './local-request.js';

export interface PageError {
  field: string;
  text: string;
}

export async function registerViews(
  app: FastifyInstance,
  options: { production: boolean },
): Promise<void> {
  await app.register(fastifyView, {
    engine: { nunjucks },
    templates: [
      path.join(projectRoot, 'src', 'views'),
      path.join(projectRoot, 'src', 'features'),
      path.join(projectRoot, 'node_modules', 'govuk-frontend', 'dist'),
    ],
    production: options.production,
    options: {
      autoescape: true,
      noCache: !options.production,
      onConfigure: (env: nunjucks.Environment) => {
        env.addGlobal('paths', paths);
        env.addFilter('trim', trim);
        // The error summary links each message to the field it is about.
        env.addFilter('errorLinks', (list: PageError[]) =>
          list.map((e) => ({ text: e.text, href: `#${e.field}` })),
        );
        env.addFilter('dateTime', (value: string | null | undefined) =>
          value ? formatTime(new Date(value)) : '',
        );
        env.addFilter('date', (value: string | null | undefined) =>
          value ? formatShortDate(new Date(value)) : '',
        );
      },
    },
  });
}

/**
 * Nunjucks' own `trim` filter, without its cost: it removes the white space with
 * `/^\s*|\s*$/g`, which tries the second branch at every position of the string, and the GOV.UK
 * macros trim every component's whole HTML (a tenth of the claim page's CPU went to it). The
 * same characters go (`\s` and `String.prototype.trim` have one definition of white space), and
 * markup marked safe stays safe.
 */
export function trim(value: unknown): string | nunjucks.runtime.SafeString {
  const trimmed = String(value).trim();
  return value instanceof nunjucks.runtime.SafeString
    ? new nunjucks.runtime.SafeString(trimmed)
    : trimmed;
}

/** Turns `{field: message}` into the list the GOV.UK error summary expects, in the order given. */
export function errorList(fields: Record<string, string>): PageError[] {
  return Object.entries(fields).map(([field, text]) => ({ field, text }));
}

/**
 * The first page this person may open: where signing in leads and where the myBTEC name in the
 * header links to. The terms first, then home (or the accounts pages for an Examinations Officer
 * without myBTEC access); the log-in page when signed out.
 */
export function landingPath(account: FastifyRequest['account']): string {
  if (!account) return paths.login;
  if (account.termsVersion !== TERMS_VERSION) return paths.terms;
  if (!account.mybtecAccess && account.examsOfficer) return paths.admin.accounts;
  return paths.home;
}

/**
 * Renders a page with what every page needs: the signed-in person, a fresh CSRF token for its
 * forms, the CSP nonce, and the current path for the navigation.
 */
export async function render(
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown> = {},
  status = 200,
): Promise<FastifyReply> {
  const account = request.account;
  const csrfToken = reply.generateCsrf();
  const nonce = reply.cspNonce;
  const fields = (data.errors as Record<string, string> | undefined) ?? undefined;
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .view(template, {
      ...data,
      errorList: fields ? errorList(fields) : [],
      csrfToken,
      nonce: nonce?.script,
      styleNonce: nonce?.style,
      currentPath: request.url.split('?')[0],
      me: account
        ? {
            name: account.name,
            siteNumber: request.homeSiteNumber ?? '',
            mybtecAccess: account.mybtecAccess,
            examsOfficer: account.examsOfficer,
            termsAccepted: account.termsVersion === TERMS_VERSION,
          }
        : null,
      homePath: landingPath(account),
      devMail: request.server.devMailEnabled && fromThisMachine(request),
    });
}
