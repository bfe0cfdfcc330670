import type {
  FastifyRateLimitOptions,
  FastifyRateLimitStore,
  FastifyRateLimitStoreCtor,
} from '@fastify/rate-limit';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { countRateLimitHit, forgetEndedRateLimitWindows } from './rate-limit.repository.js';

/** How many hits, across all routes of this process, between two sweeps of the ended windows. */
const SWEEP_EVERY = 200;

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** What @fastify/rate-limit passes to a store: the merged options, with the route's for a child. */
interface StoreOptions {
  timeWindow?: unknown;
  routeInfo?: { method?: unknown; url?: unknown };
}

/**
 * @fastify/rate-limit's store, kept in our database (`rate_limit_windows`) so that every instance
 * counts against one budget per route and address, as one instance's memory store did alone.
 * A fixed window per key, measured with the injected clock; ended windows are swept now and then.
 */
export function databaseRateLimitStore(db: Db, clock: Clock): FastifyRateLimitStoreCtor {
  let hits = 0;
  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    private readonly scope: string;
    private readonly timeWindow: number;

    constructor(options: FastifyRateLimitOptions) {
      const { routeInfo, timeWindow } = options as StoreOptions;
      // Each limited route has its own budget, as each route had its own memory store before.
      this.scope = routeInfo ? `${String(routeInfo.method)} ${String(routeInfo.url)}` : '';
      this.timeWindow = typeof timeWindow === 'number' ? timeWindow : 60_000;
    }

    incr(key: string, callback: Callback, timeWindow: number = this.timeWindow): void {
      const now = clock.now();
      hits += 1;
      const sweep = hits % SWEEP_EVERY === 0 ? forgetEndedRateLimitWindows(db, now) : null;
      Promise.all([countRateLimitHit(db, `${this.scope}|${key}`, now, timeWindow), sweep]).then(
        ([count]) =>
          callback(null, {
            current: count.hits,
            ttl: Math.max(0, Date.parse(count.windowEndsAt) - now.getTime()),
          }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(routeOptions: FastifyRateLimitOptions): FastifyRateLimitStore {
      return new DatabaseRateLimitStore(routeOptions);
    }
  }
  return DatabaseRateLimitStore;
}
