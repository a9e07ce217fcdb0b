/**
 * Charts drawn on the server as SVG with ECharts' server-side renderer: the page carries a few KB
 * of SVG instead of the 1 MB library, shows at once without JavaScript, and scales with its box
 * (the SVG keeps its viewBox and is given width 100 %). Numbers in tooltips and axes are
 * formatted here, in the reader's language.
 */
import * as echarts from 'echarts';
import { type Html, html, raw } from './html.js';

export type ChartOption = echarts.EChartsCoreOption;

export interface ChartBox {
  width?: number;
  height?: number;
  /** What the chart shows, for screen readers (`role="img"` + `aria-label`). */
  label: string;
}

/** The house look: the dashboard's palette, no animation (a server has nothing to animate). */
const BASE: ChartOption = {
  animation: false,
  color: ['#0b5cad', '#e07b00', '#2da44e', '#a40e26', '#8250df', '#57606a', '#bf8700', '#1b7c83'],
  textStyle: {
    fontFamily: 'system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif',
    color: '#1f2328',
  },
  grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
};

/** One chart as inline SVG inside a `.chart` figure. */
export function svgChart(option: ChartOption, box: ChartBox): Html {
  const width = box.width ?? 640;
  const height = box.height ?? 300;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...BASE, ...option });
    const svg = chart.renderToSVGString();
    return html`<figure class="chart" role="img" aria-label="${box.label}">${raw(svg)}</figure>`;
  } finally {
    chart.dispose();
  }
}
