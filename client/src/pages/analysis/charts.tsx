// Charts of the analysis pages (chart.js, loaded only with them): shares with 95% confidence
// whiskers drawn by a small plugin, and counts. Each chart can be saved as a PNG or an SVG.
import { useMemo, useRef } from 'react';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  Tooltip,
  type ChartData,
  type ChartOptions,
  type ChartType,
  type Plugin,
} from 'chart.js';
import { Bar } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import { useLocale } from './common';
import { fmtNumber, fmtShare } from './numbers';
import { downloadSvg } from './chart-svg';
import { saveUrl } from '../../lib/download';

ChartJS.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const GRID_COLOR = '#e3e7ee';
const TEXT_COLOR = '#2b3340';
const WHISKER_COLOR = '#1d2430';
export const SERIES_COLORS = ['#1f5fa8', '#c2611f', '#4a8c5c'];

/** Splits a long label into lines of about `width` characters (chart.js draws arrays as lines). */
function wrap(label: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

// A white page under the bars, so the saved PNG is readable (the canvas is transparent).
const whiteBackground: Plugin<'bar'> = {
  id: 'whiteBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

type Ranges = ([number, number] | null)[][];

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    /** Per dataset, per bar: the confidence interval [low, high] in axis units. */
    errorBars?: { ranges: Ranges; type?: TType };
  }
}

/** Whiskers from low to high (in axis units) across each horizontal bar. */
const errorBars: Plugin<'bar', { ranges?: Ranges }> = {
  id: 'errorBars',
  afterDatasetsDraw(chart, _args, opts) {
    const { ctx } = chart;
    const x = chart.scales.x;
    chart.data.datasets.forEach((_ds, i) => {
      const meta = chart.getDatasetMeta(i);
      const ranges = opts.ranges?.[i];
      if (meta.hidden || !ranges) return;
      meta.data.forEach((bar, j) => {
        const range = ranges[j];
        if (!range) return;
        const { y, height } = bar.getProps(['y', 'height'], true) as { y: number; height: number };
        const x1 = x.getPixelForValue(range[0]);
        const x2 = x.getPixelForValue(range[1]);
        const cap = Math.max(3, Math.min(7, height / 3));
        ctx.save();
        ctx.strokeStyle = WHISKER_COLOR;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(x1, y);
        ctx.lineTo(x2, y);
        ctx.moveTo(x1, y - cap);
        ctx.lineTo(x1, y + cap);
        ctx.moveTo(x2, y - cap);
        ctx.lineTo(x2, y + cap);
        ctx.stroke();
        ctx.restore();
      });
    });
  },
};

export type ShareSeries = {
  label: string;
  /** shares 0..1 (null: suppressed or none) */
  values: (number | null)[];
  low: (number | null)[];
  high: (number | null)[];
};

function downloadImage(chart: ChartJS<'bar'> | null, file: string) {
  if (chart) saveUrl(chart.toBase64Image('image/png', 1), file);
}

/** What every chart here is: horizontal bars filling their box, drawn at once, numbers in the user's language. */
function horizontalBars(lng: string) {
  return { indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false, locale: lng } as const;
}

/** A bar chart of the given height, named for screen readers, and its PNG and SVG buttons. */
function BarFrame({
  options,
  plugins,
  data,
  height,
  label,
  file,
  testId,
  ranges,
}: {
  options: ChartOptions<'bar'>;
  plugins: Plugin<'bar'>[];
  data: ChartData<'bar', (number | null)[], string | string[]>;
  height: number;
  label: string;
  file: string;
  testId?: string;
  /** The whiskers, drawn again in the SVG. */
  ranges?: Ranges;
}) {
  const { t } = useTranslation();
  const chartRef = useRef<ChartJS<'bar'> | null>(null);
  return (
    <div data-testid={testId}>
      <div className="chart-box" style={{ height: `${height}px` }}>
        <Bar ref={chartRef} options={options} plugins={plugins} data={data} role="img" aria-label={label}>
          <p>{t('analysis.chart.summary')}</p>
        </Bar>
      </div>
      <div className="analysis-downloads">
        <button
          type="button"
          className="button button--small"
          onClick={() => downloadImage(chartRef.current, file)}
          data-testid={testId ? `${testId}-png` : undefined}
        >
          {t('analysis.downloadPng')}
        </button>
        <button
          type="button"
          className="button button--small"
          onClick={() => downloadSvg(chartRef.current, file, ranges)}
          data-testid={testId ? `${testId}-svg` : undefined}
        >
          {t('analysis.downloadSvg')}
        </button>
      </div>
    </div>
  );
}

/** Horizontal bars of shares (in %), one bar per label and series, with 95% CI whiskers. */
export function ShareChart({
  labels,
  series,
  title,
  file,
  testId,
}: {
  labels: string[];
  series: ShareSeries[];
  title: string;
  file: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  const lng = useLocale();
  const ranges: Ranges = series.map((s) =>
    s.values.map((_v, j) => {
      const lo = s.low[j];
      const hi = s.high[j];
      return lo === null || hi === null ? null : [lo * 100, hi * 100];
    }),
  );
  const plugins = useMemo(() => [whiteBackground, errorBars], []);
  const narrow = window.matchMedia('(max-width: 40rem)').matches;
  const wrapAt = narrow ? 18 : 34;
  const options: ChartOptions<'bar'> = {
    ...horizontalBars(lng),
    scales: {
      x: {
        min: 0,
        max: 100,
        title: { display: true, text: t('analysis.chart.shareAxis'), color: TEXT_COLOR },
        ticks: { color: TEXT_COLOR, callback: (v) => fmtShare(Number(v) / 100, lng).replace(/[,.]0(?=\s?%)/, '') },
        grid: { color: GRID_COLOR },
      },
      y: { ticks: { color: TEXT_COLOR, autoSkip: false, font: { size: narrow ? 11 : 12 } }, grid: { display: false } },
    },
    plugins: {
      legend: { display: series.length > 1, position: 'top', labels: { color: TEXT_COLOR } },
      errorBars: { ranges },
      tooltip: {
        callbacks: {
          label: (ctx) => {
            const s = series[ctx.datasetIndex];
            const v = s?.values[ctx.dataIndex];
            const lo = s?.low[ctx.dataIndex];
            const hi = s?.high[ctx.dataIndex];
            if (v === null || v === undefined) return `${s?.label ?? ''}: —`;
            const range =
              lo !== null && lo !== undefined && hi !== null && hi !== undefined
                ? ` (${t('analysis.chart.ci')} ${fmtShare(lo, lng)} – ${fmtShare(hi, lng)})`
                : '';
            return `${series.length > 1 ? `${s.label}: ` : ''}${fmtShare(v, lng)}${range}`;
          },
        },
      },
    },
  };
  const lineCount = labels.reduce((n, l) => n + wrap(l, wrapAt).length, 0);
  const height = Math.max(
    180,
    lineCount * 17 + labels.length * (10 + 12 * series.length) + (series.length > 1 ? 100 : 70),
  );
  const summary = labels
    .map((l, i) => `${l}: ${series.map((s) => (s.values[i] === null ? '—' : fmtShare(s.values[i]!, lng))).join(' / ')}`)
    .join('; ');
  return (
    <BarFrame
      options={options}
      plugins={plugins}
      data={{
        labels: labels.map((l) => wrap(l, wrapAt)),
        datasets: series.map((s, i) => ({
          label: s.label,
          data: s.values.map((v) => (v === null ? null : Math.round(v * 1000) / 10)),
          backgroundColor: SERIES_COLORS[i % SERIES_COLORS.length],
          borderRadius: 3,
          maxBarThickness: 26,
        })),
      }}
      height={height}
      label={`${title}. ${summary}`}
      file={file}
      testId={testId}
      ranges={ranges}
    />
  );
}

/** Horizontal bars of counts (respondents per region). */
export function CountChart({
  labels,
  values,
  title,
  axis,
  file,
  testId,
}: {
  labels: string[];
  values: number[];
  title: string;
  axis: string;
  file: string;
  testId?: string;
}) {
  const lng = useLocale();
  const plugins = useMemo(() => [whiteBackground], []);
  const options: ChartOptions<'bar'> = {
    ...horizontalBars(lng),
    scales: {
      x: {
        beginAtZero: true,
        title: { display: true, text: axis, color: TEXT_COLOR },
        ticks: { color: TEXT_COLOR, precision: 0, callback: (v) => fmtNumber(Number(v), lng) },
        grid: { color: GRID_COLOR },
      },
      y: { ticks: { color: TEXT_COLOR, autoSkip: false, font: { size: 12 } }, grid: { display: false } },
    },
    plugins: {
      legend: { display: false },
      tooltip: { callbacks: { label: (ctx) => fmtNumber(values[ctx.dataIndex] ?? 0, lng) } },
    },
  };
  const summary = labels.map((l, i) => `${l}: ${fmtNumber(values[i], lng)}`).join('; ');
  return (
    <BarFrame
      options={options}
      plugins={plugins}
      data={{
        labels,
        datasets: [{ data: values, backgroundColor: SERIES_COLORS[0], borderRadius: 3, maxBarThickness: 20 }],
      }}
      height={Math.max(140, labels.length * 26 + 70)}
      label={`${title}. ${summary}`}
      file={file}
      testId={testId}
    />
  );
}
