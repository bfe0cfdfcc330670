import type { Actor } from '../domain/actor.js';
import type { Account } from '../features/accounts/account.repository.js';

/** What each route declares about who may reach it; the guard (src/http/guard.ts) enforces it. */
export type Access =
  /** anyone, signed in or not */
  | 'public'
  /** signed in; the terms and myBTEC access are not needed (terms page, log out, session) */
  | 'session'
  /** signed in Examinations Officer who has accepted the terms; myBTEC access is not needed */
  | 'exams-officer'
  /** signed in, myBTEC access ticked, terms accepted: the default */
  | 'mybtec';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** State-changing calls need a CSRF token unless a route says otherwise (API log-in only). */
    csrf?: boolean;
  }
  interface FastifyRequest {
    account: Account | null;
    homeSiteNumber: string | null;
    /** Who the person is for permission decisions: loaded once per request on myBTEC routes. */
    actor: Actor | null;
  }
  interface FastifyInstance {
    devMailEnabled: boolean;
  }
  interface Session {
    accountId?: string;
    signedInAt?: string;
    lastSeenAt?: string;
    /** Results to show once on the next page (post/redirect/get). */
    flash?: { kind: 'success' | 'problem'; text: string }[];
  }
}

/** Spread into a route's `config`: the per-address limit on log-in and password reset, or none. */
export type RateLimitConfig =
  { rateLimit: { max: number; timeWindow: string } } | Record<string, never>;

export function rateLimitConfig(perMinute: number): RateLimitConfig {
  return perMinute > 0 ? { rateLimit: { max: perMinute, timeWindow: '1 minute' } } : {};
}
