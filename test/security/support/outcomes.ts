import type { LightMyRequestResponse } from 'fastify';
import type { Access } from '../../../src/http/context.js';
import { isApiPath, paths } from '../../../src/paths.js';

/**
 * What an answer means for access control, for the API and the pages alike:
 * - `ok`: the request was carried out (2xx, or a page's redirect onwards)
 * - `unauth`: sign in first (401 / redirect to the login page)
 * - `terms`: accept the terms first (403 terms_not_accepted / redirect to the terms page)
 * - `noaccess`: the account's myBTEC access is not ticked (403 no_mybtec_access)
 * - `forbidden`: the role does not allow it (403 forbidden or role_not_approved)
 * - `hidden`: not found (404) — also the answer for anything of another centre
 * - `invalid`, `conflict`, `csrf`, `other`: 400, 409, 403 csrf, anything else
 */
export type Outcome =
  | 'ok'
  | 'unauth'
  | 'terms'
  | 'noaccess'
  | 'forbidden'
  | 'hidden'
  | 'invalid'
  | 'conflict'
  | 'csrf'
  | 'other';

interface ErrorJson {
  error?: { code?: string; message?: string };
}

const API_CODES: Record<string, Outcome> = {
  unauthenticated: 'unauth',
  invalid_credentials: 'unauth',
  terms_not_accepted: 'terms',
  no_mybtec_access: 'noaccess',
  forbidden: 'forbidden',
  role_not_approved: 'forbidden',
  not_found: 'hidden',
  invalid_input: 'invalid',
  course_incomplete: 'invalid',
  conflict: 'conflict',
  csrf: 'csrf',
};

export function apiErrorCode(response: LightMyRequestResponse): string | undefined {
  try {
    return (response.json() as ErrorJson).error?.code;
  } catch {
    return undefined;
  }
}

export function classify(response: LightMyRequestResponse, url: string): Outcome {
  const status = response.statusCode;
  if (isApiPath(url)) {
    if (status >= 200 && status < 300) return 'ok';
    return API_CODES[apiErrorCode(response) ?? ''] ?? 'other';
  }
  if (status === 302 || status === 303) {
    const location = String(response.headers.location ?? '');
    if (location === paths.login || location.startsWith(`${paths.login}?`)) return 'unauth';
    if (location === paths.terms) return 'terms';
    return 'ok';
  }
  if (status >= 200 && status < 300) return 'ok';
  if (status === 403) {
    if (response.body.includes('does not have myBTEC access')) return 'noaccess';
    if (response.body.includes('did not come from myBTEC')) return 'csrf';
    return 'forbidden';
  }
  if (status === 404) return 'hidden';
  if (status === 400) return 'invalid';
  if (status === 409) return 'conflict';
  return 'other';
}

/** Every route's declared access, as reviewed for this test: anything new must be added here. */
export const PUBLIC_ROUTES = new Set([
  'GET /login',
  'POST /login',
  'GET /password/forgotten',
  'POST /password/forgotten',
  'GET /password/reset',
  'POST /password/reset',
  'GET /help',
  'GET /health',
  'GET /dev/mail', // development only: not registered in production or with SMTP_URL
  'GET /api/v1/openapi.json',
  'GET /api/v1/session',
  'POST /api/v1/session',
]);

export const SESSION_ROUTES = new Set([
  'POST /logout',
  'GET /terms',
  'POST /terms',
  'DELETE /api/v1/session',
  'POST /api/v1/terms/accept',
]);

export function expectedAccess(method: string, url: string): Access {
  const key = `${method} ${url}`;
  if (PUBLIC_ROUTES.has(key) || url.startsWith(`${paths.assets}/`)) return 'public';
  if (SESSION_ROUTES.has(key)) return 'session';
  if (url.startsWith('/admin/') || url.startsWith('/api/v1/admin/')) return 'exams-officer';
  return 'mybtec';
}

export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
