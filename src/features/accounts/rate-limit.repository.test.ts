import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  createTestDatabase,
  forEachDatabase,
  type TestDatabase,
} from '../../../test/support/databases.js';
import { countRateLimitHit, forgetEndedRateLimitWindows } from './rate-limit.repository.js';

const MINUTE = 60_000;
const start = new Date('2026-12-03T09:00:00Z');
const at = (ms: number) => new Date(start.getTime() + ms);

forEachDatabase('rate limit windows', (kind) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });
  afterEach(() => database.dispose());

  it('counts hits at the same moment once each, from several connections', async () => {
    const counts = await Promise.all(
      Array.from({ length: 20 }, () => countRateLimitHit(database.db, 'k', start, MINUTE)),
    );
    expect(counts.map((c) => c.hits).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(new Set(counts.map((c) => c.windowEndsAt))).toEqual(new Set([at(MINUTE).toISOString()]));
  });

  it('keeps the window to its end, then starts a new one', async () => {
    await countRateLimitHit(database.db, 'k', start, MINUTE);
    expect(await countRateLimitHit(database.db, 'k', at(MINUTE - 1), MINUTE)).toEqual({
      hits: 2,
      windowEndsAt: at(MINUTE).toISOString(),
    });
    expect(await countRateLimitHit(database.db, 'k', at(MINUTE), MINUTE)).toEqual({
      hits: 1,
      windowEndsAt: at(2 * MINUTE).toISOString(),
    });
    // Another key has a count of its own.
    expect((await countRateLimitHit(database.db, 'other', at(MINUTE), MINUTE)).hits).toBe(1);
  });

  it('forgets only the windows that have ended', async () => {
    await countRateLimitHit(database.db, 'old', start, MINUTE);
    await countRateLimitHit(database.db, 'new', at(30_000), MINUTE);
    await forgetEndedRateLimitWindows(database.db, at(MINUTE));
    const keys = await database.db.selectFrom('rate_limit_windows').select('key').execute();
    expect(keys.map((k) => k.key)).toEqual(['new']);
  });
});
