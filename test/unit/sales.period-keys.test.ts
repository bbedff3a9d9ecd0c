import { describe, expect, it } from 'vitest';
import { periodKeys } from '../../src/sales/sales-report';

describe('the periods of a sales report over time', () => {
  it('lists every UTC day from the start to the exclusive end', () => {
    expect(periodKeys('day', '2026-11-27T15:00:00.000Z', '2026-12-01T00:00:00.000Z')).toEqual(['2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30']);
    // An end inside a day still includes that day.
    expect(periodKeys('day', '2026-11-30T00:00:00.000Z', '2026-12-01T00:00:01.000Z')).toEqual(['2026-11-30', '2026-12-01']);
  });

  it('keys weeks by their Monday, as PostgreSQL date_trunc does, and months across a year end', () => {
    // 2026-11-25 is a Wednesday: its week starts Monday 2026-11-23.
    expect(periodKeys('week', '2026-11-25T00:00:00.000Z', '2026-12-08T00:00:00.000Z')).toEqual(['2026-11-23', '2026-11-30', '2026-12-07']);
    expect(periodKeys('month', '2026-11-15T00:00:00.000Z', '2027-02-01T00:00:00.000Z')).toEqual(['2026-11', '2026-12', '2027-01']);
  });

  it('has no periods for groupings that are not time, nor for a range too long to draw', () => {
    expect(periodKeys('channel', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z')).toEqual([]);
    expect(periodKeys('day', '2020-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')).toEqual([]);
    expect(periodKeys('day', '2026-01-01T00:00:00.000Z', '2026-01-04T00:00:00.000Z', 2)).toEqual([]);
  });
});
