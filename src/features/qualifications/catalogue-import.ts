import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImportResult, QualificationService } from './qualification.service.js';

export interface ImportReport {
  ok: boolean;
  /** What to print, a line each. */
  lines: string[];
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Reads a catalogue file (.json, or .csv with one row per criterion), checks every row and imports
 * it in one transaction; with any problem nothing is imported and each problem is a line of the
 * report. What `npm run catalogue:import -- <file>` does.
 */
export async function importCatalogueFile(
  qualifications: QualificationService,
  file: string,
): Promise<ImportReport> {
  const extension = path.extname(file).toLowerCase();
  if (extension !== '.json' && extension !== '.csv') {
    return { ok: false, lines: [`${file}: give a .json or .csv file`] };
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { ok: false, lines: [`${file}: cannot be read: ${(error as Error).message}`] };
  }

  let result: ImportResult;
  if (extension === '.csv') {
    result = await qualifications.importCatalogueCsv(text);
  } else {
    let json: unknown;
    try {
      json = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
    } catch (error) {
      return { ok: false, lines: [`${file}: is not valid JSON: ${(error as Error).message}`] };
    }
    result = await qualifications.importCatalogue(json);
  }

  if (!result.ok) {
    return {
      ok: false,
      lines: [
        `${file}: ${plural(result.problems.length, 'problem', 'problems')} found; nothing was imported.`,
        ...result.problems.map((problem) => `  ${problem}`),
      ],
    };
  }
  const c = result.counts;
  return {
    ok: true,
    lines: [
      `${file}: imported ${plural(c.qualifications, 'qualification', 'qualifications')} (${c.newQualifications} new), ` +
        `${plural(c.units, 'unit', 'units')} (${c.newUnits} new), ${plural(c.aims, 'learning aim', 'learning aims')} ` +
        `and ${plural(c.criteria, 'assessment criterion', 'assessment criteria')}.`,
      ...(c.removed > 0
        ? [
            `Removed ${plural(c.removed, 'learning aim or criterion', 'learning aims and criteria')} that the file no longer has.`,
          ]
        : []),
    ],
  };
}
