import { paths } from '../../paths.js';

/** What stands in the stored copy of an email for a one-time link's token once it has been sent. */
export const REMOVED_ONCE_SENT = '[removed once sent]';

const escaped = paths.resetPassword.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** The token of a password reset or set-password link (32 random bytes, base64url). */
const ONE_TIME_TOKEN = new RegExp(`(${escaped}\\?token=)[A-Za-z0-9_-]+`, 'g');

/**
 * The text of an email as it is kept after sending: the database holds only a hash of each
 * one-time token, so the copy in the outbox must not keep the token itself once it has gone out.
 */
export function withoutOneTimeTokens(text: string): string {
  return text.replace(ONE_TIME_TOKEN, `$1${REMOVED_ONCE_SENT}`);
}
