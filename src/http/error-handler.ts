import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, InvalidInput, NotFound } from '../errors.js';
import { isApiPath, paths } from '../paths.js';
import { render } from './views.js';

interface ApiError {
  status: number;
  code: string;
  message: string;
  extra?: Record<string, unknown>;
}

const SERVER_ERROR = 'Sorry, there is a problem with the service. Try again later.';

/**
 * Database refusals that only two changes racing each other can cause (the services check
 * everything else first): a unique or foreign key constraint, a serialisation failure or deadlock.
 * The transaction has rolled back, so nothing is half-written: the person is told to try again.
 */
const RACE_CODES = new Set([
  '23505', // unique_violation
  '23503', // foreign_key_violation
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
  'SQLITE_CONSTRAINT_FOREIGNKEY',
]);
const RACE_MESSAGE =
  'Someone else changed this at the same moment. Reload the page to see it as it is now, then try again.';

/** Field name from an ajv error: `/username` → `username`; a missing property names itself. */
function fieldOf(error: { instancePath: string; params?: Record<string, unknown> }): string {
  const missing = error.params?.missingProperty;
  const extra = error.params?.additionalProperty;
  const base = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const leaf = typeof missing === 'string' ? missing : typeof extra === 'string' ? extra : '';
  return [base, leaf].filter(Boolean).join('.') || 'body';
}

function ajvMessage(error: {
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}): string {
  switch (error.keyword) {
    case 'required':
      return 'Enter a value';
    case 'additionalProperties':
      return 'This field is not expected';
    case 'type':
      return typeof error.params?.type === 'string'
        ? `Must be ${error.params.type}`
        : 'Must be of the right type';
    case 'minLength':
      return 'Enter a value';
    case 'maxLength':
      return `Must be ${String(error.params?.limit)} characters or fewer`;
    case 'format':
      return `Must be a valid ${String(error.params?.format)}`;
    default:
      return error.message
        ? error.message.charAt(0).toUpperCase() + error.message.slice(1)
        : 'Not valid';
  }
}

/** Every error the service can answer with, as the status, code and sentence of SPEC §10. */
export function toApiError(error: FastifyError | AppError | Error): ApiError {
  if (error instanceof AppError)
    return { status: error.status, code: error.code, message: error.message, extra: error.extra };
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const fields: Record<string, string> = {};
    for (const item of fastifyError.validation) {
      const field = fieldOf(item);
      fields[field] ??= ajvMessage(item);
    }
    const invalid = new InvalidInput(fields);
    return { status: 400, code: invalid.code, message: invalid.message, extra: invalid.extra };
  }
  if (RACE_CODES.has(String(fastifyError.code)))
    return { status: 409, code: 'conflict', message: RACE_MESSAGE };
  switch (fastifyError.code) {
    // PostgreSQL refusing text it cannot store (a NUL character, an invalid byte sequence): the
    // guard refuses NUL first; this is the safety net, so it is still the person's input at fault.
    case '22021':
    case '22P05':
      return {
        status: 400,
        code: 'invalid_input',
        message:
          'Some of the text sent cannot be stored. Remove any unusual characters and try again.',
        extra: { fields: {} },
      };
    case 'FST_CSRF_INVALID_TOKEN':
    case 'FST_CSRF_MISSING_SECRET':
      return {
        status: 403,
        code: 'csrf',
        message:
          'This form has expired or did not come from myBTEC. Go back, reload the page and try again.',
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        code: 'payload_too_large',
        message: 'What you sent is too large (over 1 MB).',
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        code: 'invalid_input',
        message: 'Send JSON (application/json) or a form.',
        extra: { fields: {} },
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        status: 400,
        code: 'invalid_input',
        message: 'The request body is empty or malformed.',
        extra: { fields: {} },
      };
  }
  const status = fastifyError.statusCode ?? 500;
  if (status === 429)
    return {
      status,
      code: 'rate_limited',
      message: 'There have been too many attempts. Wait a minute and try again.',
    };
  if (error instanceof SyntaxError || (status === 400 && /JSON/i.test(error.message))) {
    return {
      status: 400,
      code: 'invalid_input',
      message: 'The request body is not valid JSON.',
      extra: { fields: {} },
    };
  }
  if (status === 404) return { status, code: 'not_found', message: new NotFound().message };
  if (status >= 400 && status < 500)
    return {
      status,
      code: 'invalid_input',
      message: 'The request could not be understood.',
      extra: { fields: {} },
    };
  return { status: 500, code: 'internal_error', message: SERVER_ERROR };
}

async function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  apiError: ApiError,
): Promise<FastifyReply> {
  if (apiError.code === 'unauthenticated') return reply.redirect(paths.login, 303);
  if (apiError.code === 'terms_not_accepted') return reply.redirect(paths.terms, 303);
  const titles: Record<number, string> = {
    400: 'There is a problem',
    403: 'You cannot do this',
    404: 'Page not found',
    409: 'This has already changed',
    413: 'What you sent is too large',
    423: 'Your account is locked',
    429: 'Too many attempts',
  };
  return render(
    request,
    reply,
    'error.njk',
    {
      title: titles[apiError.status] ?? 'Sorry, there is a problem with the service',
      message: apiError.message,
    },
    apiError.status,
  );
}

const BAD_ADDRESS = 'This web address is not valid. Check it is correct.';

/**
 * Fastify's own refusals of an address it cannot route (a malformed %-escape, a path part over
 * 100 characters), answered before any hook runs: in the shape of SPEC §10 under /api/, as plain
 * text for pages, and never echoing the address back.
 */
export function frameworkErrors(
  _error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  void reply
    .code(400)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff');
  if (isApiPath(request.url)) {
    void reply.send({ error: { code: 'invalid_input', message: BAD_ADDRESS, fields: {} } });
    return;
  }
  void reply.type('text/plain; charset=utf-8').send(BAD_ADDRESS);
}

/** One error handler and one 404 handler for pages and API alike. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
    else if (RACE_CODES.has(String(error.code)))
      request.log.warn({ err: error }, 'request lost a race with another change');
    else request.log.info({ code: apiError.code, status: apiError.status }, 'request refused');
    if (isApiPath(request.url)) {
      return reply
        .code(apiError.status)
        .header('cache-control', 'no-store')
        .send({
          error: { code: apiError.code, message: apiError.message, ...(apiError.extra ?? {}) },
        });
    }
    try {
      return await sendPage(request, reply, apiError);
    } catch (renderError) {
      request.log.error({ err: renderError }, 'error page failed to render');
      return reply.code(apiError.status).type('text/plain; charset=utf-8').send(apiError.message);
    }
  });

  app.setNotFoundHandler(async (request, reply) => {
    const error = new NotFound(
      isApiPath(request.url) ? undefined : 'If you typed the web address, check it is correct.',
    );
    if (isApiPath(request.url)) {
      return reply.code(404).send({ error: { code: error.code, message: new NotFound().message } });
    }
    request.account ??= null;
    return render(
      request,
      reply,
      'error.njk',
      { title: 'Page not found', message: error.message },
      404,
    );
  });
}
