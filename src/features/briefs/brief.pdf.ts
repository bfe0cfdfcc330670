import PDFDocument from 'pdfkit';

/** What the print page and the PDF show of a brief: its current version and latest IV record. */
export interface PrintableBrief {
  qualification: string;
  course: string;
  unit: string;
  title: string;
  version: number;
  status: string;
  author: string;
  assessor: string;
  issueDate: string;
  handInDate: string;
  aims: { code: string; text: string }[];
  criteria: { code: string; text: string }[];
  scenario: string;
  tasks: { title: string; description: string; criteria: string[] }[];
  evidence: string;
  sources: string;
  /** The IV record of this version, if it has been verified. */
  verification: {
    decision: string;
    verifier: string;
    at: string;
    checklist: { question: string; answer: string; comment: string }[];
    feedback: string;
    actionRequired: string;
    targetDate: string;
  } | null;
}

const BODY = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const BLACK = '#0b0c0c';
const GREY = '#505a5f';
const TABLE_CELL = { padding: 4, borderColor: '#b1b4b6' };

/** A file name made of the brief's title: letters, digits and hyphens only. */
export function pdfFileName(brief: Pick<PrintableBrief, 'title' | 'version'>): string {
  const slug = brief.title
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '-')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `assignment-brief-${slug || 'untitled'}-v${brief.version}.pdf`;
}

/**
 * The brief as an A4 PDF (pdfkit, its standard fonts): the details in the order of Pearson's
 * assignment brief template, then the internal verification record. `createdAt` fixes the
 * document's date, so the same brief at the same moment gives the same file.
 */
export function briefPdf(brief: PrintableBrief, createdAt: Date): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    lang: 'en-GB',
    displayTitle: true,
    info: {
      Title: `Assignment brief: ${brief.title}`,
      Author: brief.author,
      Subject: `${brief.unit} – ${brief.course}`,
      Creator: 'myBTEC',
      CreationDate: createdAt,
      ModDate: createdAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const heading = (text: string, size = 14) => {
    doc.moveDown(0.8).font(BOLD).fontSize(size).fillColor(BLACK).text(text).moveDown(0.3);
  };
  const paragraph = (text: string, fallback = 'None given') => {
    doc
      .font(BODY)
      .fontSize(11)
      .fillColor(text.trim() ? BLACK : GREY)
      .text(text.trim() || fallback, { paragraphGap: 4 });
  };
  const field = (label: string, value: string) => {
    doc.font(BOLD).fontSize(11).fillColor(BLACK).text(`${label}: `, { continued: true });
    doc.font(BODY).text(value || 'Not given', { paragraphGap: 3 });
  };

  doc.font(BOLD).fontSize(20).fillColor(BLACK).text('Assignment brief');
  doc.font(BODY).fontSize(11).fillColor(GREY).text(`${brief.status} – version ${brief.version}`);
  doc.moveDown(0.6);
  field('Qualification', brief.qualification);
  field('Course', brief.course);
  field('Unit number and title', brief.unit);
  field('Learning aim(s)', brief.aims.map((a) => `${a.code}: ${a.text}`).join('; '));
  field('Assignment title', brief.title);
  field('Assessor', brief.assessor);
  field('Issue date', brief.issueDate);
  field('Hand in deadline', brief.handInDate);

  heading('Vocational scenario or context');
  paragraph(brief.scenario);

  brief.tasks.forEach((task, index) => {
    heading(`Task ${index + 1}: ${task.title}`, 12);
    paragraph(task.description);
    field('Criteria covered by this task', task.criteria.join(', '));
  });

  heading('Checklist of evidence required');
  paragraph(brief.evidence);

  heading('Criteria covered by this assignment');
  doc.font(BODY).fontSize(10);
  doc.table({
    columnStyles: [70, '*'],
    data: [
      [
        { text: 'Criterion', type: 'TH', font: { src: BOLD } },
        {
          text: 'To achieve the criterion the evidence must show that the learner is able to:',
          type: 'TH',
          font: { src: BOLD },
        },
      ],
      ...brief.criteria.map((c) => [c.code, c.text]),
    ],
    defaultStyle: TABLE_CELL,
  });

  heading('Sources of information to support you with this assignment');
  paragraph(brief.sources);

  doc.addPage();
  doc.font(BOLD).fontSize(18).fillColor(BLACK).text('Assignment brief internal verification');
  doc.moveDown(0.4);
  const record = brief.verification;
  if (!record) {
    paragraph(`Version ${brief.version} of this brief has not been verified yet.`);
  } else {
    field('Internal Verifier', record.verifier);
    field('Date', record.at);
    field('Decision', record.decision);
    doc.moveDown(0.4).font(BODY).fontSize(10);
    doc.table({
      columnStyles: ['*', 50, 170],
      data: [
        [
          { text: 'Internal Verifier checklist', type: 'TH', font: { src: BOLD } },
          { text: 'Y/N', type: 'TH', font: { src: BOLD } },
          { text: 'Comment', type: 'TH', font: { src: BOLD } },
        ],
        ...record.checklist.map((item) => [item.question, item.answer, item.comment]),
      ],
      defaultStyle: TABLE_CELL,
    });
    heading('General comments', 12);
    paragraph(record.feedback);
    heading('Action required', 12);
    paragraph(record.actionRequired, 'None');
    field('Target date for actions', record.targetDate || 'None set');
  }
  doc.end();
  return done;
}
