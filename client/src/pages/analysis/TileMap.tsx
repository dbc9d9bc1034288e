// A tile-grid map: one equal square per region, placed roughly as on a map (tile-grid.ts), one
// map per country, coloured by a value of the chosen question (a share, or a number such as the
// sum). Suppressed cells are hatched and marked "[c]", regions without answers are left white, and
// a region whose base (those who answered) is below the small-base threshold gets a dashed dark
// outline and "*" after its value, as "*" flags small bases in the tables. The legend is part of
// the drawing, so the SVG and PNG downloads carry it.
import { useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Localized } from '../../api/api';
import { saveBlob, svgFrame, svgToPng } from '../../lib/download';
import { pick } from '../../lib/format';
import { gridOf, tileLabel, type Country } from './tile-grid';
import { useLocale } from './common';
import { SUPPRESSED } from './numbers';

export type TileValue = {
  value: number | null;
  suppressed?: boolean;
  text: string;
  /** Those who answered in the region: below `smallBase` the tile is flagged. */
  base?: number;
};

const TILE = 46;
const GAP = 4;
const PAD = 8;
const LEGEND_H = 78;
const SMALL_INK = '#1d2430';
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif';
/** Light to dark blue; the last stop is the app's primary colour darkened. */
const LOW = [232, 240, 250];
const HIGH = [11, 46, 92];
const STEPS = 5;

function mix(t: number): number[] {
  return LOW.map((l, i) => Math.round(l + (HIGH[i] - l) * t));
}

function luminance(rgb: number[]): number {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Black or white, whichever contrasts more with the background. */
function inkOn(rgb: number[]): string {
  const L = luminance(rgb);
  return 1.05 / (L + 0.05) >= (L + 0.05) / 0.05 ? '#ffffff' : '#000000';
}

const rgbText = (rgb: number[]) => `rgb(${rgb.join(',')})`;

/** The small-base outline inside a tile at (left, top). */
function outline(left: number, top: number) {
  return { x: left + 1.5, y: top + 1.5, width: TILE - 3, height: TILE - 3, rx: 2, fill: 'none', strokeWidth: 2 };
}

/** The colour step (0..STEPS-1) of a value in [min, max]. */
function stepOf(v: number, min: number, max: number): number {
  if (!(max > min)) return STEPS - 1;
  return Math.min(STEPS - 1, Math.floor(((v - min) / (max - min)) * STEPS));
}

export function TileMap({
  country,
  title,
  values,
  names,
  min,
  max,
  format,
  file,
  testId,
  smallBase,
}: {
  country: Country;
  title: string;
  values: Record<string, TileValue>;
  names: Record<string, Localized>;
  /** The range of the colour scale (e.g. 0..1 for shares). */
  min: number;
  max: number;
  format: (v: number) => string;
  file: string;
  testId: string;
  /** Bases below this are flagged as small (the same threshold as the tables'). */
  smallBase: number;
}) {
  const { t } = useTranslation();
  const lng = useLocale();
  const svgRef = useRef<SVGSVGElement>(null);
  const patternId = `hatch-${useId().replace(/[^a-zA-Z0-9]/g, '')}`;
  const { tiles, cols, rows } = gridOf(country);
  const width = Math.max(PAD * 2 + cols * (TILE + GAP) - GAP, 360);
  const mapH = PAD * 2 + rows * (TILE + GAP) - GAP;
  const height = mapH + LEGEND_H;
  const stepColour = Array.from({ length: STEPS }, (_, i) => mix((i + 0.5) / STEPS));
  const bounds = Array.from({ length: STEPS + 1 }, (_, i) => min + ((max - min) * i) / STEPS);
  const swatch = 44;

  const downloadSvg = () => {
    // The drawing as it is on the page (it carries its own xmlns), without an XML declaration.
    const text = svgRef.current ? new XMLSerializer().serializeToString(svgRef.current) : '';
    if (text) saveBlob(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }), `${file}.svg`);
  };
  const downloadPng = () => {
    if (svgRef.current) void svgToPng(svgRef.current).then((png) => saveBlob(png, `${file}.png`));
  };

  return (
    <figure className="tile-map" data-testid={testId}>
      <figcaption className="tile-map__title">{title}</figcaption>
      <div className="tile-map__scroll">
        <svg ref={svgRef} {...svgFrame(width, height, title)} fontFamily={FONT}>
          <defs>
            <pattern id={patternId} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="6" height="6" fill="#eef0f3" />
              <line x1="0" y1="0" x2="0" y2="6" stroke="#8a94a3" strokeWidth="2" />
            </pattern>
          </defs>
          <rect width={width} height={height} fill="#ffffff" />
          {tiles.map(([code, x, y]) => {
            const v = values[code];
            const left = PAD + x * (TILE + GAP);
            const top = PAD + y * (TILE + GAP);
            const name = pick(names[code], lng) || code;
            const short = tileLabel(code);
            let fill = '#ffffff';
            let ink = '#4f5968';
            let label = '';
            let state = 'empty';
            const small = !!v && v.base !== undefined && v.base < smallBase;
            if (v?.suppressed) {
              fill = `url(#${patternId})`;
              ink = '#1d2430';
              label = SUPPRESSED;
              state = 'suppressed';
            } else if (v && v.value !== null) {
              const rgb = stepColour[stepOf(v.value, min, max)];
              fill = rgbText(rgb);
              ink = inkOn(rgb);
              label = small ? `${v.text}*` : v.text;
              state = 'value';
            }
            const what = v ? (v.suppressed ? t('tileMap.suppressed') : v.text) : t('tileMap.noData');
            const smallNote = small ? `; ${t('issue12Finish.smallBaseTile', { n: v.base })}` : '';
            return (
              <g key={code} data-region={code} data-state={state} data-small-base={small ? 'true' : undefined}>
                <title>{`${name}: ${what}${smallNote}`}</title>
                <rect
                  x={left}
                  y={top}
                  width={TILE}
                  height={TILE}
                  rx={3}
                  fill={fill}
                  stroke={state === 'empty' ? '#c3cad5' : '#ffffff'}
                />
                {small && (
                  <>
                    {/* White under the dark dashes, so the outline shows on light and dark tiles alike. */}
                    <rect {...outline(left, top)} stroke="#ffffff" />
                    <rect {...outline(left, top)} stroke={SMALL_INK} strokeDasharray="4 3" data-small-base-outline="" />
                  </>
                )}
                <text x={left + TILE / 2} y={top + 17} textAnchor="middle" fontSize="11" fontWeight="700" fill={ink}>
                  {short}
                </text>
                {label && (
                  <text x={left + TILE / 2} y={top + 34} textAnchor="middle" fontSize="10" fill={ink}>
                    {label}
                  </text>
                )}
              </g>
            );
          })}
          <g transform={`translate(${PAD}, ${mapH})`} data-testid={`${testId}-legend`}>
            {stepColour.map((rgb, i) => (
              <rect key={i} x={i * swatch} y={6} width={swatch} height={14} fill={rgbText(rgb)} />
            ))}
            {bounds.map((b, i) => (
              <text key={i} x={i * swatch} y={34} fontSize="10" textAnchor="middle" fill="#1d2430">
                {format(b)}
              </text>
            ))}
            <rect x={STEPS * swatch + 24} y={6} width={14} height={14} fill={`url(#${patternId})`} stroke="#8a94a3" />
            <text x={STEPS * swatch + 42} y={17} fontSize="10" fill="#1d2430">
              {t('tileMap.suppressed')}
            </text>
            <rect x={STEPS * swatch + 24} y={26} width={14} height={14} fill="#ffffff" stroke="#c3cad5" />
            <text x={STEPS * swatch + 42} y={37} fontSize="10" fill="#1d2430">
              {t('tileMap.noData')}
            </text>
            <rect
              x={STEPS * swatch + 25}
              y={47}
              width={12}
              height={12}
              fill="#ffffff"
              stroke={SMALL_INK}
              strokeWidth={2}
              strokeDasharray="4 3"
            />
            <text x={STEPS * swatch + 42} y={57} fontSize="10" fill="#1d2430" data-testid={`${testId}-legend-small`}>
              {`* ${t('issue12Finish.smallBaseLegend', { n: smallBase })}`}
            </text>
          </g>
        </svg>
      </div>
      <div className="analysis-downloads">
        <button type="button" className="button button--small" onClick={downloadPng} data-testid={`${testId}-png`}>
          {t('tileMap.png')}
        </button>
        <button type="button" className="button button--small" onClick={downloadSvg} data-testid={`${testId}-svg`}>
          {t('tileMap.svg')}
        </button>
      </div>
    </figure>
  );
}
