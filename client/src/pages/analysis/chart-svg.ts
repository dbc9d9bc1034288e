// A chart.js bar chart as an SVG document, drawn from the chart's own layout (bars, ticks,
// labels, whiskers), so it scales in print and edits in a vector editor. Text is escaped.
import type { Chart as ChartJS } from 'chart.js';
import { saveBlob } from '../../lib/download';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const n = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : 0);
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"';

type Ranges = ([number, number] | null)[][];

/** The SVG text of a horizontal bar chart (indexAxis 'y'), whiskers from `ranges` in axis units. */
export function chartToSvg(chart: ChartJS<'bar'>, ranges?: Ranges, textColor = '#2b3340'): string {
  const { width, height, chartArea: area } = chart;
  const x = chart.scales.x;
  const y = chart.scales.y;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  // Value axis: grid lines and tick labels.
  x.ticks.forEach((tick, i) => {
    const px = n(x.getPixelForTick(i));
    out.push(`<line x1="${px}" y1="${n(area.top)}" x2="${px}" y2="${n(area.bottom)}" stroke="#e3e7ee"/>`);
    const label = Array.isArray(tick.label) ? tick.label.join(' ') : String(tick.label ?? '');
    out.push(
      `<text x="${px}" y="${n(area.bottom + 16)}" text-anchor="middle" font-size="11" fill="${textColor}" ${FONT}>${esc(label)}</text>`,
    );
  });
  const xTitle = (x.options as { title?: { display?: boolean; text?: string | string[] } }).title;
  if (xTitle?.display && xTitle.text) {
    const text = Array.isArray(xTitle.text) ? xTitle.text.join(' ') : xTitle.text;
    out.push(
      `<text x="${n((area.left + area.right) / 2)}" y="${n(area.bottom + 34)}" text-anchor="middle" font-size="12" fill="${textColor}" ${FONT}>${esc(text)}</text>`,
    );
  }
  // Category axis: labels (arrays are lines).
  (chart.data.labels ?? []).forEach((label, i) => {
    const lines = Array.isArray(label) ? label.map(String) : [String(label)];
    const py = y.getPixelForTick(i) - ((lines.length - 1) * 13) / 2;
    lines.forEach((line, k) => {
      out.push(
        `<text x="${n(area.left - 8)}" y="${n(py + k * 13 + 4)}" text-anchor="end" font-size="11" fill="${textColor}" ${FONT}>${esc(line)}</text>`,
      );
    });
  });
  // Bars and whiskers.
  chart.data.datasets.forEach((ds, i) => {
    const meta = chart.getDatasetMeta(i);
    if (meta.hidden) return;
    const color = typeof ds.backgroundColor === 'string' ? ds.backgroundColor : '#1f5fa8';
    meta.data.forEach((bar, j) => {
      const value = ds.data[j];
      if (value === null || value === undefined) return;
      const p = bar.getProps(['x', 'y', 'base', 'height'], true) as {
        x: number;
        y: number;
        base: number;
        height: number;
      };
      const left = Math.min(p.x, p.base);
      out.push(
        `<rect x="${n(left)}" y="${n(p.y - p.height / 2)}" width="${n(Math.abs(p.x - p.base))}" height="${n(p.height)}" fill="${esc(color)}" rx="2"><title>${esc(`${ds.label ?? ''} ${String(value)}`.trim())}</title></rect>`,
      );
      const range = ranges?.[i]?.[j];
      if (range) {
        const [x1, x2] = [x.getPixelForValue(range[0]), x.getPixelForValue(range[1])].map(n);
        const cap = n(Math.max(3, Math.min(7, p.height / 3)));
        const yy = n(p.y);
        out.push(
          `<path d="M${x1} ${yy}H${x2}M${x1} ${n(yy - cap)}V${n(yy + cap)}M${x2} ${n(yy - cap)}V${n(yy + cap)}" stroke="#1d2430" stroke-width="1.5" fill="none"/>`,
        );
      }
    });
  });
  // Legend, when there are several series.
  if (chart.data.datasets.length > 1) {
    let lx = area.left;
    chart.data.datasets.forEach((ds) => {
      const color = typeof ds.backgroundColor === 'string' ? ds.backgroundColor : '#1f5fa8';
      out.push(`<rect x="${n(lx)}" y="4" width="12" height="12" fill="${esc(color)}"/>`);
      out.push(
        `<text x="${n(lx + 16)}" y="14" font-size="12" fill="${textColor}" ${FONT}>${esc(ds.label ?? '')}</text>`,
      );
      lx += 28 + (ds.label ?? '').length * 7;
    });
  }
  out.push('</svg>');
  return out.join('\n');
}

export function downloadSvg(chart: ChartJS<'bar'> | null, file: string, ranges?: Ranges): void {
  if (!chart) return;
  saveBlob(new Blob([chartToSvg(chart, ranges)], { type: 'image/svg+xml' }), file.replace(/\.png$/i, '') + '.svg');
}
