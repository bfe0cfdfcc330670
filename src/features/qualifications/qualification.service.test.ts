import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  forEachDatabase,
  type TestDatabase,
} from '../../../test/support/databases.js';
import { InvalidInput } from '../../errors.js';
import { importCatalogueFile } from './catalogue-import.js';
import { validateCatalogue, type Catalogue } from './catalogue.schema.js';
import {
  createQualificationService,
  loadSampleCatalogue,
  readSampleCatalogue,
  type QualificationService,
} from './qualification.service.js';

/** Everything the catalogue tables hold, in a stable order. */
async function snapshot(db: TestDatabase['db']) {
  return {
    qualifications: await db.selectFrom('qualifications').selectAll().orderBy('id').execute(),
    units: await db.selectFrom('units').selectAll().orderBy('id').execute(),
    aims: await db
      .selectFrom('learning_aims')
      .selectAll()
      .orderBy('unit_id')
      .orderBy('code')
      .execute(),
    criteria: await db
      .selectFrom('criteria')
      .selectAll()
      .orderBy('unit_id')
      .orderBy('code')
      .execute(),
  };
}

/** Counts the statements sent to the database. */
class QueryCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count += 1;
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

const sampleCopy = async (): Promise<Catalogue> => structuredClone(await readSampleCatalogue());

forEachDatabase('qualification catalogue', (kind) => {
  let database: TestDatabase;
  let service: QualificationService;

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    service = createQualificationService({ db: database.db });
  });
  afterEach(() => database.dispose());

  describe('the sample catalogue', () => {
    it('fits the subjects of the database', async () => {
      const subjects = await database.db.selectFrom('subjects').select('id').execute();
      const result = validateCatalogue(await readSampleCatalogue(), {
        subjectIds: subjects.map((s) => s.id),
      });
      expect(result.ok ? [] : result.problems).toEqual([]);
    });

    it('is loaded whole, and loading it again changes nothing', async () => {
      const first = await loadSampleCatalogue(database.db);
      const sample = await readSampleCatalogue();
      const units = sample.qualifications.flatMap((q) => q.units);
      expect(first).toEqual({
        qualifications: sample.qualifications.length,
        newQualifications: sample.qualifications.length,
        units: units.length,
        newUnits: units.length,
        aims: units.reduce((n, u) => n + u.aims.length, 0),
        criteria: units.reduce((n, u) => n + u.criteria.length, 0),
        removed: 0,
      });
      const before = await snapshot(database.db);
      expect(before.criteria).toHaveLength(first.criteria);

      const second = await loadSampleCatalogue(database.db);
      expect(second).toEqual({ ...first, newQualifications: 0, newUnits: 0 });
      expect(await snapshot(database.db)).toEqual(before);
    });

    it('loads in one transaction of a few batched statements', async () => {
      const counter = new QueryCounter();
      await loadSampleCatalogue(database.db.withPlugin(counter));
      // Reads (subjects, units, what exists) and one insert per table: never one per row.
      expect(counter.count).toBeLessThanOrEqual(12);
    });

    it('can be loaded by two starts at once', async () => {
      await Promise.all([loadSampleCatalogue(database.db), loadSampleCatalogue(database.db)]);
      expect((await snapshot(database.db)).qualifications).toHaveLength(
        (await readSampleCatalogue()).qualifications.length,
      );
    });
  });

  describe('reading', () => {
    beforeEach(() => loadSampleCatalogue(database.db));

    it('finds a qualification with its units in order, each with its aims and criteria', async () => {
      const business = await service.find('q-business-l3-ext-cert');
      expect(business).toMatchObject({
        id: 'q-business-l3-ext-cert',
        subjectId: 'business',
        title: 'BTEC Level 3 National Extended Certificate in Business',
        level: '3',
        size: 'Extended Certificate',
        glh: 360,
      });
      expect(business?.units.map((u) => [u.number, u.mandatory, u.glh])).toEqual([
        ['1', true, 90],
        ['2', true, 90],
        ['3', true, 120],
        ['4', false, 60],
        ['5', false, 60],
        ['8', false, 60],
        ['14', false, 60],
      ]);
      const unit8 = business?.units.find((u) => u.number === '8');
      expect(unit8).toMatchObject({
        id: 'u-business-l3-ext-cert-8',
        title: 'Recruitment and Selection Process',
      });
      expect(unit8?.aims.map((a) => a.code)).toEqual(['A', 'B', 'C']);
      expect(unit8?.criteria.map((c) => `${c.code}:${c.grade}`)).toEqual([
        'A.P1:pass',
        'A.P2:pass',
        'A.M1:merit',
        'A.D1:distinction',
        'B.P3:pass',
        'B.P4:pass',
        'B.M2:merit',
        'C.P5:pass',
        'BC.D2:distinction',
      ]);
      expect(await service.find('q-nothing')).toBeUndefined();
    });

    it('gives back exactly what the file says', async () => {
      const sample = await readSampleCatalogue();
      const all = await service.list();
      const byId = new Map(all.map((q) => [q.id, q]));
      for (const q of sample.qualifications) {
        const found = byId.get(q.id);
        expect(found).toEqual({
          ...q,
          units: q.units.map((u) => ({
            ...u,
            aims: [...u.aims].sort((a, b) => a.code.localeCompare(b.code)),
          })),
        });
      }
      expect(all).toHaveLength(sample.qualifications.length);
    });

    it('lists the qualifications of a subject, in four queries however many units', async () => {
      const sport = await service.list('sport');
      expect(sport.map((q) => q.id)).toEqual(['q-sport-l12-tech-award', 'q-sport-l3-ext-cert']);
      expect(await service.list('computing')).toEqual([]);

      const counter = new QueryCounter();
      await createQualificationService({ db: database.db.withPlugin(counter) }).list('sport');
      expect(counter.count).toBe(5); // the subjects, once per service; then four
      await createQualificationService({ db: database.db.withPlugin(counter) }).list();
      expect(counter.count).toBe(9);
    });

    it('refuses an unknown subject', async () => {
      await expect(service.list('drama')).rejects.toBeInstanceOf(InvalidInput);
      await expect(service.list('drama')).rejects.toMatchObject({
        fields: { subjectId: 'There is no subject with this id' },
      });
    });
  });

  describe('importing', () => {
    beforeEach(() => loadSampleCatalogue(database.db));

    it('adds new qualifications and updates existing ones by id', async () => {
      const catalogue = await sampleCopy();
      const business = catalogue.qualifications[0]!;
      business.title = 'BTEC Level 3 National Extended Certificate in Business (2026)';
      business.units[0]!.criteria[0]!.text =
        'Explain the features of three contrasting businesses.';
      business.units[0]!.criteria.pop(); // E.P5 leaves the file
      const added = structuredClone(catalogue.qualifications[1]!);
      added.id = 'q-applied-science-copy';
      added.units.forEach((u, i) => (u.id = `u-applied-science-copy-${i}`));
      catalogue.qualifications.push(added);

      const result = await service.importCatalogue(catalogue);
      expect(result).toMatchObject({
        ok: true,
        counts: { newQualifications: 1, newUnits: added.units.length, removed: 1 },
      });
      const found = await service.find('q-business-l3-ext-cert');
      expect(found?.title).toBe('BTEC Level 3 National Extended Certificate in Business (2026)');
      expect(found?.units[0]?.criteria[0]?.text).toBe(
        'Explain the features of three contrasting businesses.',
      );
      expect(found?.units[0]?.criteria.map((c) => c.code)).not.toContain('E.P5');
      expect((await service.find('q-applied-science-copy'))?.units).toHaveLength(
        added.units.length,
      );
    });

    it('is idempotent', async () => {
      const catalogue = await sampleCopy();
      catalogue.qualifications[0]!.units[0]!.title = 'Exploring Business (revised)';
      expect((await service.importCatalogue(catalogue)).ok).toBe(true);
      const once = await snapshot(database.db);
      expect(await service.importCatalogue(catalogue)).toMatchObject({
        ok: true,
        counts: { newQualifications: 0, newUnits: 0, removed: 0 },
      });
      expect(await snapshot(database.db)).toEqual(once);
    });

    it('changes nothing when any row is bad, and reports every bad row', async () => {
      const before = await snapshot(database.db);
      const catalogue = (await sampleCopy()) as unknown as {
        qualifications: Record<string, unknown>[];
      };
      catalogue.qualifications[0]!.title = 'Changed but never saved';
      catalogue.qualifications.push({
        ...catalogue.qualifications[1],
        id: 'q-new',
        subjectId: 'astrology',
        units: [],
      });
      const units = catalogue.qualifications[3]!.units as Record<string, unknown>[];
      units[1]!.glh = 'ninety';
      (units[2]!.criteria as Record<string, unknown>[])[0]!.grade = 'merit';

      const result = await service.importCatalogue(catalogue);
      expect(result).toEqual({
        ok: false,
        problems: [
          'qualifications[3].units[1].glh: must be a whole number of guided learning hours, at least 1',
          'qualifications[3].units[2].criteria[0].grade: A.P1 is a pass criterion (P), but its grade is "merit"',
          expect.stringMatching(
            /^qualifications\[8\]\.subjectId: "astrology" is not a subject of myBTEC \(business, /,
          ),
          'qualifications[8].units: must be a list of 1 to 200 units',
        ],
      });
      expect(await snapshot(database.db)).toEqual(before);
    });

    it('refuses to move a unit that belongs to another qualification', async () => {
      const before = await snapshot(database.db);
      const catalogue = await sampleCopy();
      const copy = structuredClone(catalogue.qualifications[0]!);
      copy.id = 'q-business-copy';
      const result = await service.importCatalogue({ qualifications: [copy] });
      expect(result.ok).toBe(false);
      expect(!result.ok && result.problems[0]).toBe(
        'qualifications[0].units[0].id: "u-business-l3-ext-cert-1" is already a unit of qualification "q-business-l3-ext-cert" in the database; give this unit another id',
      );
      expect(!result.ok && result.problems).toHaveLength(copy.units.length);
      expect(await snapshot(database.db)).toEqual(before);
    });

    it('imports CSV, quotes and commas included, and refuses a bad CSV file whole', async () => {
      const header =
        'qualification_id,subject_id,qualification_title,level,size,qualification_glh,unit_id,unit_number,unit_title,mandatory,unit_glh,aim_code,aim_text,criterion_code,grade,criterion_text';
      const q =
        'q-csv,engineering,"BTEC Level 2 Technical Certificate in Engineering, ""Sample""",2,Certificate,60';
      const good = [
        header,
        `${q},u-csv-1,1,"Welding, Joining and Fabrication",yes,60,A,"Plan, then weld",A.P1,pass,"Weld two plates, safely."`,
        `${q},u-csv-1,1,"Welding, Joining and Fabrication",yes,60,A,"Plan, then weld",A.M1,merit,"Weld with ""accuracy""."`,
        '',
      ].join('\r\n');
      const result = await service.importCatalogueCsv(good);
      expect(result).toMatchObject({
        ok: true,
        counts: { qualifications: 1, newQualifications: 1, units: 1, aims: 1, criteria: 2 },
      });
      expect(await service.find('q-csv')).toEqual({
        id: 'q-csv',
        subjectId: 'engineering',
        title: 'BTEC Level 2 Technical Certificate in Engineering, "Sample"',
        level: '2',
        size: 'Certificate',
        glh: 60,
        units: [
          {
            id: 'u-csv-1',
            number: '1',
            title: 'Welding, Joining and Fabrication',
            mandatory: true,
            glh: 60,
            aims: [{ code: 'A', text: 'Plan, then weld' }],
            criteria: [
              { code: 'A.P1', grade: 'pass', text: 'Weld two plates, safely.' },
              { code: 'A.M1', grade: 'merit', text: 'Weld with "accuracy".' },
            ],
          },
        ],
      });

      const before = await snapshot(database.db);
      const bad = [
        header,
        `${q},u-csv-1,1,"Welding, Joining and Fabrication",yes,60,A,"Plan, then weld",A.P1,pass,Changed.`,
        `${q},u-business-l3-ext-cert-1,9,Stolen,no,30,A,Aim,A.P1,pass,Text.`,
      ].join('\n');
      expect(await service.importCatalogueCsv(bad)).toEqual({
        ok: false,
        problems: [
          'row 3, unit_id: "u-business-l3-ext-cert-1" is already a unit of qualification "q-business-l3-ext-cert" in the database; give this unit another id',
        ],
      });
      expect(await snapshot(database.db)).toEqual(before);
    });
  });

  describe('importing a file (npm run catalogue:import)', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'mybtec-catalogue-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, text: string) => {
      const full = path.join(dir, name);
      writeFileSync(full, text);
      return full;
    };

    it('imports a JSON file and says what it did', async () => {
      const sample = await readSampleCatalogue();
      const report = await importCatalogueFile(
        service,
        file('sample.json', JSON.stringify(sample)),
      );
      const units = sample.qualifications.flatMap((q) => q.units);
      expect(report).toEqual({
        ok: true,
        lines: [
          expect.stringContaining(
            `imported ${sample.qualifications.length} qualifications (${sample.qualifications.length} new), ${units.length} units (${units.length} new), `,
          ),
        ],
      });
    });

    it('prints every problem with its row and imports nothing', async () => {
      const full = file('bad.csv', 'qualification_id,subject_id\nq-x,business\n');
      const report = await importCatalogueFile(service, full);
      expect(report.ok).toBe(false);
      expect(report.lines[0]).toBe(`${full}: 1 problem found; nothing was imported.`);
      expect(report.lines[1]).toMatch(/^ {2}row 1: missing columns qualification_title, level, /);
      expect(await database.db.selectFrom('qualifications').select('id').execute()).toEqual([]);
    });

    it('refuses a file that is not JSON, or of another kind', async () => {
      const broken = file('broken.json', '{"qualifications": [');
      expect(await importCatalogueFile(service, broken)).toEqual({
        ok: false,
        lines: [expect.stringMatching(/broken\.json: is not valid JSON: /)],
      });
      const other = file('catalogue.xlsx', 'PK');
      expect(await importCatalogueFile(service, other)).toEqual({
        ok: false,
        lines: [`${other}: give a .json or .csv file`],
      });
      expect(await importCatalogueFile(service, path.join(dir, 'missing.json'))).toMatchObject({
        ok: false,
        lines: [expect.stringContaining('cannot be read')],
      });
    });
  });
});
