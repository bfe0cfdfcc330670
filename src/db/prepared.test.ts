import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  createTestDatabase,
  forEachDatabase,
  type TestDatabase,
} from '../../test/support/databases.js';
import { prepared } from './prepared.js';

forEachDatabase('prepared queries', (kind) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
    await sql`create table things (id text primary key, owner text not null, status text not null)`.execute(
      database.db,
    );
    await sql`insert into things (id, owner, status) values
      ('1', 'ann', 'live'), ('2', 'ann', 'gone'), ('3', 'bob', 'live'), ('4', 'bob', 'kept')`.execute(
      database.db,
    );
  });
  afterEach(() => database.dispose());

  const table = 'things' as never;

  it('compiles once per handle and runs with each call’s values, constants kept', async () => {
    let builds = 0;
    const liveOf = prepared((db, owner: string, orId: string) => {
      builds += 1;
      return db
        .selectFrom(table)
        .select(sql<string>`id`.as('id'))
        .where((eb) =>
          eb.or([
            eb.and([
              eb(sql.ref('owner'), '=', owner),
              eb(sql.ref('status'), 'in', ['live', 'kept']),
            ]),
            eb(sql.ref('id'), '=', orId),
          ]),
        )
        .orderBy(sql.ref('id'));
    });
    const ids = async (owner: string, orId: string) =>
      (await liveOf(database.db, owner, orId)).map((r) => r.id);
    expect(await ids('ann', 'none')).toEqual(['1']);
    expect(await ids('bob', '2')).toEqual(['2', '3', '4']);
    expect(await ids('nobody', 'none')).toEqual([]);
    expect(builds).toBe(1);
    // Inside a transaction: the transaction's own connection, compiled for it.
    await database.db.transaction().execute(async (trx) => {
      await sql`update things set status = 'gone' where id = '3'`.execute(trx);
      expect((await liveOf(trx, 'bob', 'none')).map((r) => r.id)).toEqual(['4']);
    });
    expect(builds).toBe(2);
    expect(await ids('bob', 'none')).toEqual(['4']);
    expect(builds).toBe(2);
  });

  it('refuses a query that writes a value into its SQL text', async () => {
    const inlined = prepared((db, owner: string) =>
      db
        .selectFrom(table)
        .select(sql<string>`id`.as('id'))
        .where(sql.ref('owner'), '=', sql.lit(owner)),
    );
    await expect(inlined(database.db, 'ann')).rejects.toThrow(/wrote a value into its SQL/);
  });
});
