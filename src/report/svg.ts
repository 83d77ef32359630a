// A small, dependency-free SVG chart helper: horizontal grouped bars with a value axis, grid,
// legend and value labels. Self-contained markup (no fonts, no external references) so it can
// be inlined in report.html and later in experiment reports.

export interface Bar {
  label: string;
  value: number;
  color?: string;
}

export interface BarGroup {
  label: string;
  bars: Bar[];
}

export interface BarChartOptions {
  title: string;
  groups: BarGroup[];
  /** Value at the right end of the axis; default: the largest value rounded up to a nice number. */
  max?: number;
  /** Formats axis ticks and value labels; default: up to 2 decimals. */
  format?: (value: number) => string;
  /** Total width in px (default 640). */
  width?: number;
  /** Number of axis intervals (default 4: 0, 25, 50, 75, 100 %). */
  ticks?: number;
  /** Caption under the axis, e.g. "error rate". */
  axisLabel?: string;
  /** Height of one bar in px (default 14). */
  barHeight?: number;
  /** Emit the xmlns attribute (default true; inline SVG inside HTML does not need it). */
  xmlns?: boolean;
}

/** Colour-blind-safe default palette (Tableau 10), used by bar position within a group. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Keeps colours to safe CSS colour syntax (#hex, rgb()/hsl(), names); anything else falls back. */
function safeColor(c: string | undefined, fallback: string): string {
  if (c && /^(#[0-9a-fA-F]{3,8}|(?:rgb|rgba|hsl|hsla)\([0-9.,%\s]+\)|[a-zA-Z]+)$/.test(c)) return c;
  return fallback;
}

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above v (so ticks land on round numbers). */
export function niceCeiling(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v * (1 - 1e-12)) return m * p;
  return 10 * p;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

const defaultFormat = (v: number) => String(Math.round(v * 100) / 100);

/** Percent formatter for values in 0..1: 0.25 → "25%". */
export const formatPercent = (v: number) => `${Math.round(v * 100)}%`;

/** Horizontal grouped bar chart as a standalone <svg> string. */
export function barChart(options: BarChartOptions): string {
  const { title, groups } = options;
  const format = options.format ?? defaultFormat;
  const width = options.width ?? 640;
  const ticks = Math.max(1, Math.floor(options.ticks ?? 4));
  const barH = options.barHeight ?? 14;
  const barGap = 3;
  const groupGap = 14;
  const clean = (v: number) => (Number.isFinite(v) && v > 0 ? v : 0);
  const values = groups.flatMap((g) => g.bars.map((b) => clean(b.value)));
  const max = options.max && options.max > 0 ? options.max : niceCeiling(Math.max(0, ...values));

  // Series for the legend: by bar label, first colour seen wins.
  const series = new Map<string, string>();
  for (const g of groups) {
    g.bars.forEach((b, i) => {
      if (!series.has(b.label)) series.set(b.label, safeColor(b.color, PALETTE[i % PALETTE.length]!));
    });
  }

  const longestGroup = Math.max(0, ...groups.map((g) => g.label.length));
  const left = Math.min(200, Math.max(60, longestGroup * 7 + 16));
  const right = 56; // room for value labels past the end of the axis
  const plotW = Math.max(40, width - left - right);
  const top = 34;
  const legendH = series.size > 0 ? 22 : 0;

  let y = top + legendH + 6;
  const parts: string[] = [];
  const plotTop = y - 4;
  for (const g of groups) {
    const gh = Math.max(1, g.bars.length) * (barH + barGap) - barGap;
    parts.push(
      `<text class="bc-group" x="${left - 8}" y="${r1(y + gh / 2)}" text-anchor="end" dominant-baseline="middle">${escapeXml(g.label)}</text>`,
    );
    g.bars.forEach((b, i) => {
      const v = clean(b.value);
      const w = Math.min(plotW, (v / max) * plotW);
      const by = y + i * (barH + barGap);
      const color = safeColor(b.color, series.get(b.label) ?? PALETTE[i % PALETTE.length]!);
      const shown = Number.isFinite(b.value) ? format(b.value) : '–';
      const label = `${g.label} – ${b.label}: ${shown}`;
      parts.push(
        `<rect x="${left}" y="${r1(by)}" width="${r1(w)}" height="${barH}" fill="${escapeXml(color)}" rx="2"><title>${escapeXml(label)}</title></rect>`,
        `<text class="bc-value" x="${r1(left + w + 4)}" y="${r1(by + barH / 2)}" dominant-baseline="middle">${escapeXml(shown)}</text>`,
      );
    });
    y += gh + groupGap;
  }
  const plotBottom = groups.length > 0 ? y - groupGap + 4 : y + 10;

  // Axis: grid lines and tick labels.
  const axis: string[] = [];
  for (let t = 0; t <= ticks; t++) {
    const x = r1(left + (plotW * t) / ticks);
    axis.push(
      `<line x1="${x}" y1="${r1(plotTop)}" x2="${x}" y2="${r1(plotBottom)}" class="${t === 0 ? 'bc-axis' : 'bc-grid'}"/>`,
      `<text class="bc-tick" x="${x}" y="${r1(plotBottom + 14)}" text-anchor="middle">${escapeXml(format((max * t) / ticks))}</text>`,
    );
  }
  axis.push(`<line x1="${left}" y1="${r1(plotBottom)}" x2="${r1(left + plotW)}" y2="${r1(plotBottom)}" class="bc-axis"/>`);
  let height = plotBottom + 24;
  if (options.axisLabel) {
    axis.push(`<text class="bc-axis-label" x="${r1(left + plotW / 2)}" y="${r1(plotBottom + 32)}" text-anchor="middle">${escapeXml(options.axisLabel)}</text>`);
    height += 14;
  }

  // Legend, on one line under the title.
  const legend: string[] = [];
  let lx = left;
  for (const [label, color] of series) {
    legend.push(
      `<rect x="${lx}" y="${top}" width="12" height="12" fill="${escapeXml(color)}" rx="2"/>`,
      `<text class="bc-legend" x="${lx + 16}" y="${top + 6}" dominant-baseline="middle">${escapeXml(label)}</text>`,
    );
    lx += 16 + label.length * 7 + 18;
  }

  const style =
    '.bc-chart text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:12px;fill:#333}' +
    '.bc-chart .bc-title{font-size:14px;font-weight:600}.bc-chart .bc-tick,.bc-chart .bc-value,.bc-chart .bc-axis-label{font-size:11px;fill:#555}' +
    '.bc-chart .bc-grid{stroke:#e3e3e3;stroke-width:1}.bc-chart .bc-axis{stroke:#999;stroke-width:1}';
  return [
    `<svg${options.xmlns === false ? '' : ' xmlns="http://www.w3.org/2000/svg"'} class="bc-chart" width="${width}" height="${Math.ceil(height)}" viewBox="0 0 ${width} ${Math.ceil(height)}" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<style>${style}</style>`,
    `<text class="bc-title" x="${left}" y="18">${escapeXml(title)}</text>`,
    ...legend,
    ...axis,
    ...parts,
    '</svg>',
  ].join('\n');
}
