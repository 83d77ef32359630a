import { describe, expect, it } from 'vitest';
import { barChart, formatPercent } from '../../src/report/svg.js';

describe('barChart', () => {
  const svg = barChart({
    title: 'Error <rates> & more',
    groups: [
      { label: 'Alex', bars: [{ label: 'planned', value: 0.1 }, { label: 'realised', value: 0.2, color: 'red' }] },
      { label: 'Jordan <j>', bars: [{ label: 'planned', value: 0.5 }, { label: 'realised', value: Number.NaN }] },
    ],
    max: 1,
    format: formatPercent,
    axisLabel: 'share',
  });

  it('is one escaped svg with axis ticks 0–100%, a legend and a bar per value', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Error &lt;rates&gt; &amp; more');
    expect(svg).toContain('Jordan &lt;j&gt;');
    expect(svg).not.toContain('<j>');
    for (const t of ['0%', '25%', '50%', '75%', '100%']) expect(svg).toContain(`>${t}</text>`);
    expect(svg.match(/<rect [^>]*height="14"/g)).toHaveLength(4);
    expect(svg).toContain('>planned</text>');
    expect(svg).toContain('>realised</text>');
    expect(svg).toContain('fill="red"');
    expect(svg).not.toContain('NaN');
    expect(svg).toContain('>share</text>');
  });

  it('scales to the largest value without max and can omit xmlns', () => {
    const s = barChart({ title: 't', groups: [{ label: 'g', bars: [{ label: 'a', value: 4 }, { label: 'b', value: 2 }] }], xmlns: false, width: 400 });
    expect(s.startsWith('<svg class="bc-chart"')).toBe(true);
    const widths = [...s.matchAll(/<rect x="\d+" y="[\d.]+" width="([\d.]+)" height="14"/g)].map((m) => Number(m[1]));
    expect(widths[0]).toBeCloseTo(widths[1]! * 2, 0);
    expect(s).toContain('>4</text>');
  });

  it('rejects unsafe colours', () => {
    const s = barChart({ title: 't', groups: [{ label: 'g', bars: [{ label: 'a', value: 1, color: '"/><script>' }] }] });
    expect(s).not.toContain('<script>');
  });
});
