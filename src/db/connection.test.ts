import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, StatementCache, type DatabaseHandle } from './connection.js';

describe('StatementCache (SQLite)', () => {
  let sqlite: SQLite.Database;
  afterEach(() => {
    if (sqlite.open) sqlite.close();
  });

  it('hands out the same prepared statement for the same SQL', () => {
    sqlite = new SQLite(':memory:');
    const cache = new StatementCache(sqlite);
    const first = cache.prepare('select 1 as one');
    expect(cache.prepare('select 1 as one')).toBe(first);
    expect(cache.prepare('select 2 as two')).not.toBe(first);
    expect(cache.size).toBe(2);
  });

  it('keeps at most its capacity, dropping the least recently used', () => {
    sqlite = new SQLite(':memory:');
    const cache = new StatementCache(sqlite, 2);
    const a = cache.prepare('select 1');
    const b = cache.prepare('select 2');
    expect(cache.prepare('select 1')).toBe(a); // "select 1" is now the most recent
    cache.prepare('select 3'); // evicts "select 2"
    expect(cache.size).toBe(2);
    expect(cache.prepare('select 1')).toBe(a);
    expect(cache.prepare('select 2')).not.toBe(b);
  });

  it('prepares a fresh statement while the cached one is still iterating', () => {
    sqlite = new SQLite(':memory:');
    const cache = new StatementCache(sqlite);
    const text = 'select value from json_each(?)';
    const iterating = cache.prepare(text);
    const rows = iterating.iterate(['[1,2,3]']);
    rows.next();
    const other = cache.prepare(text);
    expect(other).not.toBe(iterating);
    expect(other.all(['[4]'])).toEqual([{ value: 4 }]);
    expect([...rows]).toEqual([{ value: 2 }, { value: 3 }]);
    // Once the iteration is over, the cached statement is handed out again.
    expect(cache.prepare(text)).toBe(iterating);
  });

  it('closes the database with it', () => {
    sqlite = new SQLite(':memory:');
    new StatementCache(sqlite).close();
    expect(sqlite.open).toBe(false);
  });
});

describe('openDatabase on SQLite', () => {
  let handle: DatabaseHandle;
  afterEach(() => handle.close());

  it('runs queries written with row locks, and answers from cached statements after a schema change', async () => {
    handle = openDatabase({ kind: 'sqlite', file: ':memory:' });
    await sql`create table things (id integer primary key, name text)`.execute(handle.db);
    await sql`insert into things (name) values ('one')`.execute(handle.db);
    const locked = () =>
      handle.db
        .selectFrom('accounts' as never)
        .selectAll()
        .forUpdate()
        .compile();
    // The plugin removes the lock from the compiled SQL on SQLite.
    expect(locked().sql).not.toMatch(/for update/i);

    const read = () =>
      handle.db
        .selectFrom('things' as never)
        .select(sql<string>`name`.as('name'))
        .forUpdate()
        .execute();
    expect(await read()).toEqual([{ name: 'one' }]);
    // The same SQL again, after the table changed shape: SQLite re-prepares it by itself.
    await sql`alter table things add column extra text`.execute(handle.db);
    await sql`insert into things (name) values ('two')`.execute(handle.db);
    expect(await read()).toEqual([{ name: 'one' }, { name: 'two' }]);
  });

  it('leaves a query without a lock exactly as written', () => {
    handle = openDatabase({ kind: 'sqlite', file: ':memory:' });
    const query = handle.db
      .selectFrom('things' as never)
      .select(sql<number>`1`.as('one'))
      .limit(1);
    expect(query.compile().sql).toBe('select 1 as "one" from "things" limit ?');
  });
});
