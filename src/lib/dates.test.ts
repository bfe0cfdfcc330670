import { describe, expect, it } from 'vitest';
import { formatCalendarDate, formatShortDate, formatTime } from './dates.js';

describe('dates', () => {
  it('writes a moment in UK time, GMT and BST, as the GOV.UK style does', () => {
    expect(formatTime(new Date('2026-12-03T10:15:00Z'))).toBe('3 December 2026 at 10:15am');
    expect(formatTime(new Date('2026-07-01T12:05:00Z'))).toBe('1 July 2026 at 1:05pm');
    expect(formatTime(new Date('2026-03-29T23:30:00Z'))).toBe('30 March 2026 at 12:30am');
    expect(formatTime(new Date('2026-01-05T12:00:00Z'))).toBe('5 January 2026 at 12:00pm');
    expect(formatTime(new Date('2026-10-25T00:59:00Z'))).toBe('25 October 2026 at 1:59am');
  });

  it('writes a short date in UK time (the day changes at midnight in London, not UTC)', () => {
    expect(formatShortDate(new Date('2013-03-01T09:00:00Z'))).toBe('01 Mar 2013');
    expect(formatShortDate(new Date('2026-06-30T23:30:00Z'))).toBe('01 Jul 2026');
  });

  it('writes a calendar date as given, whatever the zone, and leaves a non-date alone', () => {
    expect(formatCalendarDate('2026-09-01')).toBe('1 September 2026');
    expect(formatCalendarDate('2027-03-28')).toBe('28 March 2027');
    expect(formatCalendarDate('not a date')).toBe('not a date');
    expect(formatCalendarDate(null)).toBe('');
  });

  it('gives the days toLocaleDateString gives, and its times but 12 for 0, for every hour of a year', () => {
    const zone = { timeZone: 'Europe/London' } as const;
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 3_600_000 + 60_000) {
      const date = new Date(t);
      const day = date.toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        ...zone,
      });
      const time = date
        .toLocaleTimeString('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, ...zone })
        .replace(/\s/g, '')
        .toLowerCase()
        .replace(/^0:/, '12:');
      expect(formatTime(date)).toBe(`${day} at ${time}`);
      expect(formatShortDate(date)).toBe(
        date.toLocaleDateString('en-GB', {
          day: '2-digit',
          month: 'short',
          year: 'numeric',
          ...zone,
        }),
      );
    }
  });
});
