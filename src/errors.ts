import { formatTime } from './lib/dates.js';

/** Typed errors with a stable code; one handler (src/http/error-handler.ts) turns them into a page or JSON. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class InvalidInput extends AppError {
  constructor(
    readonly fields: Record<string, string>,
    message = 'Check the answers shown and try again.',
  ) {
    super(400, 'invalid_input', message, { fields });
  }
}

export class Unauthenticated extends AppError {
  constructor(message = 'Sign in to continue.') {
    super(401, 'unauthenticated', message);
  }
}

export class InvalidCredentials extends AppError {
  constructor() {
    super(
      401,
      'invalid_credentials',
      'The username or password is not right. Passwords are case sensitive.',
    );
  }
}

export class AccountLocked extends AppError {
  constructor(readonly lockedUntil: Date) {
    super(
      423,
      'account_locked',
      `Your account is locked after three wrong passwords in a row. You can try again after ${formatTime(lockedUntil)}.`,
      { lockedUntil: lockedUntil.toISOString() },
    );
  }
}

export class NoMybtecAccess extends AppError {
  constructor() {
    super(
      403,
      'no_mybtec_access',
      'Your account does not have myBTEC access. Contact your Examinations Officer to tick the myBTEC box in your account profile.',
    );
  }
}

export class TermsNotAccepted extends AppError {
  constructor() {
    super(
      403,
      'terms_not_accepted',
      'You need to read and accept the terms and conditions before you use myBTEC.',
    );
  }
}

export class Forbidden extends AppError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class RoleNotApproved extends AppError {
  constructor(message: string) {
    super(403, 'role_not_approved', message);
  }
}

export class NotFound extends AppError {
  constructor(
    message = 'We could not find that. It may have been removed, or the address may be wrong.',
  ) {
    super(404, 'not_found', message);
  }
}

export class Conflict extends AppError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

export class RateLimited extends AppError {
  constructor() {
    super(429, 'rate_limited', 'There have been too many attempts. Wait a minute and try again.');
  }
}
