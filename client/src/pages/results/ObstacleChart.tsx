import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  LinearScale,
  Tooltip,
  type ChartOptions,
} from 'chart.js';
import { Bar } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import type { Cell, Tally } from '../../api/api';
import { currentLocale } from '../../i18n';
import { formatNumber, formatPercent, formatShare, pick } from '../../lib/format';

// Only what a horizontal bar chart needs, so the chunk stays small.
ChartJS.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

type Props = { obstacles: Tally['obstacles']; total: Record<string, Cell> };

const BAR_COLOR = '#1f5fa8';
const GRID_COLOR = '#e3e7ee';
const TEXT_COLOR = '#2b3340';

/** Splits a long label into lines of about `width` characters (chart.js draws arrays as lines). */
function wrap(label: string, width = 34): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Obstacles overall, share of respondents in %, largest first. */
export default function ObstacleChart({ obstacles, total }: Props) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);

  // Phones get shorter label lines and a smaller font so the bars keep some room.
  const narrow = window.matchMedia('(max-width: 40rem)').matches;
  const wrapAt = narrow ? 18 : 34;
  const rows = obstacles
    .map((o) => ({ label: pick(o.labels, lng) || o.code, cell: total[o.code] ?? { count: 0, share: 0 } }))
    .sort((a, b) => b.cell.share - a.cell.share);

  const options: ChartOptions<'bar'> = {
    indexAxis: 'y',
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    locale: lng,
    scales: {
      x: {
        min: 0,
        max: 100,
        title: { display: true, text: t('results.chartAxis'), color: TEXT_COLOR },
        ticks: { color: TEXT_COLOR, callback: (v) => formatPercent(Number(v), lng) },
        grid: { color: GRID_COLOR },
      },
      y: { ticks: { color: TEXT_COLOR, autoSkip: false, font: { size: narrow ? 11 : 12 } }, grid: { display: false } },
    },
    plugins: {
      legend: { display: false },
      tooltip: {
        callbacks: {
          label: (ctx) => {
            const row = rows[ctx.dataIndex];
            return row
              ? t('results.cell', { n: formatNumber(row.cell.count, lng), share: formatShare(row.cell.share, lng) })
              : '';
          },
        },
      },
    },
  };

  const lineCount = rows.reduce((n, r) => n + wrap(r.label, wrapAt).length, 0);
  const summary = rows.map((r) => `${r.label}: ${formatShare(r.cell.share, lng)}`).join('; ');

  return (
    <div className="chart-box" style={{ height: `${Math.max(160, lineCount * 17 + rows.length * 18 + 70)}px` }}>
      <Bar
        options={options}
        data={{
          labels: rows.map((r) => wrap(r.label, wrapAt)),
          datasets: [
            {
              data: rows.map((r) => Math.round(r.cell.share * 1000) / 10),
              backgroundColor: BAR_COLOR,
              borderRadius: 3,
              maxBarThickness: 28,
            },
          ],
        }}
        role="img"
        aria-label={`${t('results.chartTitle')}. ${summary}`}
      >
        <p>{t('results.chartSummary')}</p>
      </Bar>
    </div>
  );
}
