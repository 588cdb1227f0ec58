package relay.loadgen.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.HistogramIterationValue;
import relay.json.Json;

/**
 * The compare page: one self-contained HTML file (no network, no external script) holding the runs'
 * percentile distributions as JSON and a small inline script that draws them as SVG, HdrHistogram-plotter
 * style: x is the percentile on a log scale of 1/(1-p) with ticks 0%, 90%, 99%, 99.9%, ...; y is latency
 * in ms; one polyline per run ({@code class="run-line"}, {@code data-label}), a legend naming each run by
 * its label and configuration, and the percentile table below the charts.
 */
public final class CompareReport {
    /** Where the x axis ends: 1/(1-p) for p = 99.9999%. */
    static final double MAX_X = 1_000_000;

    private CompareReport() {}

    public static String html(String title, List<RunSummary> runs, List<String> seriesNames) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("title", title);
        List<Object> charts = new ArrayList<>();
        StringBuilder tables = new StringBuilder();
        for (String name : seriesNames) {
            Map<String, Object> chart = new LinkedHashMap<>();
            chart.put("series", name);
            List<Object> lines = new ArrayList<>();
            List<String[]> rows = new ArrayList<>();
            for (RunSummary run : runs) {
                RunSummary.Series s = run.series(name);
                if (s == null || s.histogram().getTotalCount() == 0) {
                    continue;
                }
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("label", run.label());
                line.put("config", run.configJson());
                line.put("points", points(s));
                lines.add(line);
                rows.add(RunSummary.row(run.label(), s));
            }
            chart.put("runs", lines);
            charts.add(chart);
            tables.append("<h2>").append(escape(name)).append("</h2>\n<pre class=\"table\">")
                    .append(escape(RunSummary.formatTable("run", rows))).append("</pre>\n");
        }
        data.put("charts", charts);
        String json = Json.writeString(data).replace("</", "<\\/");
        return TEMPLATE
                .replace("%TITLE%", escape(title))
                .replace("%DATA%", json)
                .replace("%TABLES%", tables.toString());
    }

    /** [x, ms] pairs, x = 1/(1-p); five steps per halving of the remaining tail, as HdrHistogram's .hgrm. */
    private static List<double[]> points(RunSummary.Series s) {
        List<double[]> points = new ArrayList<>();
        for (HistogramIterationValue v : s.histogram().percentiles(5)) {
            double p = v.getPercentileLevelIteratedTo() / 100.0;
            double x = p >= 1 ? MAX_X : Math.min(MAX_X, 1 / (1 - p));
            points.add(new double[] {RunSummary.round(x), v.getValueIteratedTo() / LatencyLog.NS_PER_MS});
            if (p >= 1) {
                break;
            }
        }
        return points;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String TEMPLATE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>%TITLE%</title>
            <style>
              body { font: 14px system-ui, sans-serif; margin: 24px; color: #222; }
              .chart { border: 1px solid #ddd; margin-bottom: 8px; background: #fff; }
              .axis text, .legend-label { font-size: 12px; fill: #333; }
              .grid { stroke: #eee; }
              .run-line { fill: none; stroke-width: 2; }
              pre.table { background: #f7f7f7; padding: 8px; overflow-x: auto; }
              .config { font-size: 11px; color: #666; word-break: break-all; }
            </style>
            </head>
            <body>
            <h1>%TITLE%</h1>
            <p>Latency by percentile, HdrHistogram style: the x axis is log-scaled by 1/(1&minus;percentile), so each
            step right is ten times rarer. Values are from the intended send time (coordinated omission corrected).</p>
            <div id="charts"></div>
            %TABLES%
            <script type="application/json" id="data">%DATA%</script>
            <script>
            (function () {
              var NS = 'http://www.w3.org/2000/svg';
              var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
              var data = JSON.parse(document.getElementById('data').textContent);
              var W = 900, H = 420, L = 70, R = 45, T = 20, B = 50;
              function el(name, attrs, parent) {
                var e = document.createElementNS(NS, name);
                for (var k in attrs) e.setAttribute(k, attrs[k]);
                if (parent) parent.appendChild(e);
                return e;
              }
              function niceStep(max) {
                var raw = max / 5, mag = Math.pow(10, Math.floor(Math.log10(raw))), n = raw / mag;
                return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
              }
              var root = document.getElementById('charts');
              data.charts.forEach(function (chart) {
                var h2 = document.createElement('h2');
                h2.textContent = chart.series + ' latency by percentile';
                root.appendChild(h2);
                var maxX = 10, maxY = 0;
                chart.runs.forEach(function (run) {
                  run.points.forEach(function (p) { maxX = Math.max(maxX, p[0]); maxY = Math.max(maxY, p[1]); });
                });
                var decades = Math.ceil(Math.log10(maxX));
                maxY = maxY > 0 ? maxY * 1.05 : 1;
                var legendH = 18 * chart.runs.length + 10;
                var svg = el('svg', {'class': 'chart', 'data-series': chart.series, width: W, height: H + legendH,
                                     viewBox: '0 0 ' + W + ' ' + (H + legendH)}, root);
                function sx(x) { return L + (W - L - R) * Math.log10(Math.max(1, x)) / decades; }
                function sy(y) { return T + (H - T - B) * (1 - y / maxY); }
                var axis = el('g', {'class': 'axis'}, svg);
                for (var d = 0; d <= decades; d++) {
                  var x = sx(Math.pow(10, d));
                  el('line', {'class': 'grid', x1: x, x2: x, y1: T, y2: H - B}, axis);
                  var label = d === 0 ? '0%' : (100 - 100 / Math.pow(10, d)).toFixed(Math.max(0, d - 2)) + '%';
                  el('text', {x: x, y: H - B + 18, 'text-anchor': 'middle', 'class': 'x-tick'}, axis).textContent = label;
                }
                var step = niceStep(maxY);
                for (var v = 0; v <= maxY; v += step) {
                  var y = sy(v);
                  el('line', {'class': 'grid', x1: L, x2: W - R, y1: y, y2: y}, axis);
                  el('text', {x: L - 6, y: y + 4, 'text-anchor': 'end'}, axis).textContent = +v.toPrecision(3);
                }
                el('text', {x: (L + W - R) / 2, y: H - 10, 'text-anchor': 'middle'}, axis).textContent = 'percentile';
                el('text', {x: 16, y: (T + H - B) / 2, 'text-anchor': 'middle',
                            transform: 'rotate(-90 16 ' + (T + H - B) / 2 + ')'}, axis).textContent = 'latency (ms)';
                chart.runs.forEach(function (run, i) {
                  var color = COLORS[i % COLORS.length];
                  var pts = run.points.map(function (p) { return sx(p[0]).toFixed(1) + ',' + sy(p[1]).toFixed(1); });
                  var line = el('polyline', {'class': 'run-line', 'data-label': run.label, stroke: color,
                                             points: pts.join(' ')}, svg);
                  el('title', {}, line).textContent = run.label + ' ' + run.config;
                  var ly = H + 14 + 18 * i;
                  el('line', {x1: L, x2: L + 24, y1: ly - 4, y2: ly - 4, stroke: color, 'stroke-width': 3}, svg);
                  var text = el('text', {x: L + 32, y: ly, 'class': 'legend-label'}, svg);
                  text.textContent = run.label;
                  el('title', {}, text).textContent = run.config;
                });
                var configs = document.createElement('div');
                configs.className = 'config';
                chart.runs.forEach(function (run) {
                  var p = document.createElement('div');
                  p.textContent = run.label + ': ' + run.config;
                  configs.appendChild(p);
                });
                root.appendChild(configs);
              });
            })();
            </script>
            </body>
            </html>
            """;
}
