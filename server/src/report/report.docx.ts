// The annual report as a DOCX document (docx library): the same sections as the printed page —
// title, method with the response table, main findings, per-area findings with region tables.
import {
  AlignmentType,
  Document,
  Footer,
  HeadingLevel,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { Report } from './report.service';
import {
  areaLabel,
  baseText,
  byShare,
  changeText,
  meanText,
  measureText,
  num,
  pct,
  shareText,
  testText,
  WORDS,
  type Lng,
} from './report.text';

const cell = (text: string, bold = false, right = false) =>
  new TableCell({
    children: [
      new Paragraph({
        alignment: right ? AlignmentType.RIGHT : AlignmentType.LEFT,
        children: [new TextRun({ text, bold, size: 18 })],
      }),
    ],
  });

function table(header: string[], rows: string[][]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: header.map((h, i) => cell(h, true, i > 0)) }),
      ...rows.map((r) => new TableRow({ children: r.map((c, i) => cell(c, false, i > 0)) })),
    ],
  });
}

const p = (text: string) => new Paragraph({ children: [new TextRun(text)], spacing: { after: 120 } });
const h = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) =>
  new Paragraph({ text, heading: level, spacing: { before: 240, after: 120 } });

export async function reportDocx(r: Report, lng: Lng): Promise<Buffer> {
  const W = (k: keyof typeof WORDS) => WORDS[k][lng];
  const children: (Paragraph | Table)[] = [
    new Paragraph({ text: W('title'), heading: HeadingLevel.TITLE }),
    h(r.wave.title[lng], HeadingLevel.HEADING_1),
    p(`${W('wave')}: ${r.wave.code}${r.previous ? ` · ${W('previous')}: ${r.previous.code}` : ''}`),
    p(`${W('generated')}: ${r.generatedAt.slice(0, 10)} · ${W('respondents')}: ${num(r.respondents, lng)}`),
    h(W('method'), HeadingLevel.HEADING_1),
    ...r.method.map((m) => p(m[lng])),
    h(W('response'), HeadingLevel.HEADING_2),
    table(
      [W('region'), W('invited'), W('responded'), W('rate')],
      r.response.map((x) => [
        x.names[lng],
        x.invited === null ? '—' : num(x.invited, lng),
        num(x.responded, lng),
        x.rate === null ? '—' : pct(x.rate, lng),
      ]),
    ),
    new Paragraph({ children: [new PageBreak()] }),
    h(W('summary'), HeadingLevel.HEADING_1),
    h(W('largestShares'), HeadingLevel.HEADING_2),
    table(
      [W('area'), W('share'), W('mean'), W('base'), W('change'), W('test')],
      byShare(r)
        .slice(0, 10)
        .map((f) => [
          `${areaLabel(f, lng)} (${measureText(f, lng)})`,
          shareText(f, lng),
          meanText(f, lng),
          baseText(f, lng),
          changeText(f, lng),
          testText(f, lng),
        ]),
    ),
    h(W('largestChanges'), HeadingLevel.HEADING_2),
    ...(r.previous
      ? [
          table(
            [W('area'), W('share'), W('change'), W('test')],
            r.largestChanges.map((name) => {
              const f = r.findings.find((x) => x.name === name)!;
              return [areaLabel(f, lng), shareText(f, lng), changeText(f, lng), testText(f, lng)];
            }),
          ),
        ]
      : [p(W('noPrevious'))]),
    new Paragraph({ children: [new PageBreak()] }),
    h(W('areas'), HeadingLevel.HEADING_1),
  ];
  for (const f of r.findings) {
    children.push(h(areaLabel(f, lng), HeadingLevel.HEADING_3));
    children.push(
      p(
        `${measureText(f, lng)}: ${shareText(f, lng)}${f.mean !== null || f.meanSuppressed ? ` · ${W('mean')}: ${meanText(f, lng)}` : ''} · ${W('base')}: ${baseText(f, lng)}${f.change ? ` · ${W('change')}: ${changeText(f, lng)} (${testText(f, lng)})` : ''}`,
      ),
    );
    children.push(
      table(
        [W('region'), W('base'), W('share'), W('mean')],
        f.regions.map((x) => [x.names[lng], baseText(x, lng), shareText(x, lng), meanText(x, lng)]),
      ),
    );
  }
  const doc = new Document({
    creator: 'lsg-barometer',
    title: `${W('title')} — ${r.wave.title[lng]}`,
    sections: [
      {
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ children: [PageNumber.CURRENT] })],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
