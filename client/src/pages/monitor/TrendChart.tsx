// A line chart of trend series drawn as plain SVG: one line per series (overall and regions), the
// 95% interval as a band, a hollow marker where the base is small, a gap where a value is hidden
// or absent. The same component draws the trends page, the public results and the printed report,
// so the chart scales in print and the SVG download is exactly what is on the screen.
import { forwardRef } from 'react';
import type { TrendLine } from '../../api/monitor';
import { svgFrame } from '../../lib/download';

export const SERIES_COLORS = ['#1f3f6e', '#b3541e', '#2e7d4f', '#7a3e9d', '#a0262f', '#2f6f8f', '#6b6b1f'];

type Props = {
  lines: { line: TrendLine; label: string }[];
  /** Wave labels on the x axis, in order. */
  waves: string[];
  measure: 'share' | 'mean';
  title: string;
  /** Text for a point whose base is small (shown in the legend). */
  smallBaseLabel: string;
  width?: number;
  height?: number;
  lng: string;
};

const esc = (s: string) => s;

/** A title in at most two lines (a matrix row is "question: row": the row goes on the second line). */
function titleLines(title: string, max: number): string[] {
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
  if (title.length <= max) return [title];
  const at = title.lastIndexOf(': ');
  if (at > 0) return [cut(title.slice(0, at + 1)), cut(title.slice(at + 2))];
  return [cut(title.slice(0, max)), cut(title.slice(max))];
}

export const TrendChart = forwardRef<SVGSVGElement, Props>(function TrendChart(
  { lines, waves, measure, title, smallBaseLabel, width = 760, height = 360, lng },
  ref,
) {
  const legendRows = Math.ceil((lines.length + 1) / 3);
  const margin = { top: 50, right: 24, bottom: 44 + legendRows * 18, left: 56 };
  const w = width - margin.left - margin.right;
  const h = height - margin.top - margin.bottom;
  const values = lines.flatMap((l) =>
    l.line.points.flatMap((p) => (p.value === null ? [] : [p.low ?? p.value, p.high ?? p.value])),
  );
  let lo = 0;
  let hi = 1;
  if (measure === 'mean') {
    lo = Math.floor(Math.min(1, ...values));
    hi = Math.ceil(Math.max(5, ...values));
  }
  const x = (i: number) => margin.left + (waves.length <= 1 ? w / 2 : (i * w) / (waves.length - 1));
  const y = (v: number) => margin.top + h - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * h;
  const ticks = measure === 'share' ? [0, 0.25, 0.5, 0.75, 1] : Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  const fmt = (v: number) =>
    measure === 'share' ? `${Math.round(v * 100)}%` : v.toLocaleString(lng, { maximumFractionDigits: 1 });
  const segments = (pts: TrendLine['points']) => {
    const out: { i: number; p: TrendLine['points'][number] }[][] = [];
    let cur: { i: number; p: TrendLine['points'][number] }[] = [];
    pts.forEach((p, i) => {
      if (p.value === null) {
        if (cur.length) out.push(cur);
        cur = [];
      } else cur.push({ i, p });
    });
    if (cur.length) out.push(cur);
    return out;
  };
  return (
    <svg
      ref={ref}
      {...svgFrame(width, height, title)}
      className="trend-chart"
      fontFamily="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"
    >
      <title>{esc(title)}</title>
      <rect width={width} height={height} fill="#ffffff" />
      {titleLines(title, Math.floor(width / 7.2)).map((line, i) => (
        <text key={i} x={8} y={16 + i * 16} fontSize={12.5} fontWeight={600} fill="#1c2430">
          {line}
        </text>
      ))}
      {ticks.map((t) => (
        <g key={t}>
          <line x1={margin.left} x2={margin.left + w} y1={y(t)} y2={y(t)} stroke="#e3e7ee" />
          <text x={margin.left - 8} y={y(t) + 4} textAnchor="end" fontSize={11} fill="#3a4350">
            {fmt(t)}
          </text>
        </g>
      ))}
      {waves.map((label, i) => (
        <text key={label} x={x(i)} y={margin.top + h + 18} textAnchor="middle" fontSize={11} fill="#3a4350">
          {label}
        </text>
      ))}
      {lines.map(({ line }, s) => {
        const color = SERIES_COLORS[s % SERIES_COLORS.length];
        return (
          <g key={line.code} data-series={line.code}>
            {segments(line.points).map((seg, j) =>
              seg.length > 1 ? (
                <polygon
                  key={`band-${j}`}
                  points={[
                    ...seg.map(({ i, p }) => `${x(i)},${y(p.high ?? p.value!)}`),
                    ...[...seg].reverse().map(({ i, p }) => `${x(i)},${y(p.low ?? p.value!)}`),
                  ].join(' ')}
                  fill={color}
                  fillOpacity={0.12}
                />
              ) : (
                <line
                  key={`band-${j}`}
                  x1={x(seg[0].i)}
                  x2={x(seg[0].i)}
                  y1={y(seg[0].p.low ?? seg[0].p.value!)}
                  y2={y(seg[0].p.high ?? seg[0].p.value!)}
                  stroke={color}
                  strokeOpacity={0.35}
                  strokeWidth={6}
                />
              ),
            )}
            {segments(line.points).map((seg, j) => (
              <polyline
                key={`line-${j}`}
                points={seg.map(({ i, p }) => `${x(i)},${y(p.value!)}`).join(' ')}
                fill="none"
                stroke={color}
                strokeWidth={s === 0 ? 3 : 2}
              />
            ))}
            {line.points.map((p, i) =>
              p.value === null ? null : (
                <circle
                  key={i}
                  cx={x(i)}
                  cy={y(p.value)}
                  r={4}
                  fill={p.smallBase ? '#ffffff' : color}
                  stroke={color}
                  strokeWidth={2}
                >
                  <title>{`${fmt(p.value)} (n = ${p.n})`}</title>
                </circle>
              ),
            )}
          </g>
        );
      })}
      {[...lines.map(({ label }, s) => ({ label, s })), { label: smallBaseLabel, s: -1 }].map(({ label, s }, i) => {
        const col = i % 3;
        const row = Math.floor(i / 3);
        const lx = margin.left + col * (w / 3);
        const ly = margin.top + h + 36 + row * 18;
        const color = s < 0 ? '#3a4350' : SERIES_COLORS[s % SERIES_COLORS.length];
        return (
          <g key={`legend-${i}`}>
            {s < 0 ? (
              <circle cx={lx + 8} cy={ly - 4} r={4} fill="#ffffff" stroke={color} strokeWidth={2} />
            ) : (
              <rect x={lx} y={ly - 8} width={16} height={8} fill={color} />
            )}
            <text x={lx + 22} y={ly} fontSize={11} fill="#1c2430">
              {label.length > 34 ? `${label.slice(0, 33)}…` : label}
            </text>
          </g>
        );
      })}
    </svg>
  );
});
