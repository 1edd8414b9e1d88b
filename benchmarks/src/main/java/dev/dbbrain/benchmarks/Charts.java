package dev.dbbrain.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Draws the charts of RESULTS.md from a run's raw results, as SVG (text, diffable, no dependency):
 * {@code java -cp ... dev.dbbrain.benchmarks.Charts RESULTS_DIR [OUT_DIR]}.
 *
 * <ul>
 *   <li>{@code end-to-end.jsonl} → {@code e2e-latency.svg} (p50 and p99), {@code e2e-cpu.svg} (CPU per call) and
 *       {@code e2e-throughput.svg} against concurrency: ours and the SDK, quiet and with CPU hogs;
 *   <li>{@code limiter-timeline.csv} → {@code limiter-rate.svg}: grants in the last second, over time, for each
 *       limiter, against the service's 20 per second;
 *   <li>{@code watch-*.json} → {@code watch-heap.svg}: heap per watch against the number of watches;
 *   <li>{@code fleet.jsonl} ({@link FleetWatch}) → {@code fleet-describes.svg} (the fleet's Describe/s against the
 *       20/s limit) and {@code fleet-delay.svg} (p95 and p50 of the delay from a task's end to a subscriber seeing
 *       it, against the target of one poll interval + 500 ms), against the number of replicas, sharing on and off;
 *       the median of the repetitions of a configuration, fault runs left out.
 * </ul>
 * and, from {@code end-to-end-headline-*.jsonl} (repetitions of one concurrency, quiet then loaded), the table
 * {@code headline.md}: each repetition's ratios with their median and range. A chart whose input is missing is
 * skipped. Written to OUT_DIR (default: RESULTS_DIR).
 */
public final class Charts {

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 190;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private Charts() {
    }

    /**
     * Writes every chart whose input is in the results folder.
     *
     * @param args the results folder, optionally the output folder
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path in = Path.of(args[0]);
        Path out = args.length > 1 ? Path.of(args[1]) : in;
        Files.createDirectories(out);
        Path e2e = in.resolve("end-to-end.jsonl");
        if (Files.exists(e2e)) {
            endToEnd(Files.readAllLines(e2e, StandardCharsets.UTF_8), out);
        }
        Path timeline = in.resolve("limiter-timeline.csv");
        if (Files.exists(timeline)) {
            limiterRate(Files.readAllLines(timeline, StandardCharsets.UTF_8), out);
        }
        List<String> watches = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(in, "watch-*.json")) {
            for (Path f : files) {
                watches.add(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        if (!watches.isEmpty()) {
            watchHeap(watches, out);
        }
        Path fleet = in.resolve("fleet.jsonl");
        if (Files.exists(fleet)) {
            fleet(Files.readAllLines(fleet, StandardCharsets.UTF_8), out);
        }
        List<List<String>> headline = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(in, "end-to-end-headline-*.jsonl")) {
            for (Path f : files) {
                headline.add(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        if (!headline.isEmpty()) {
            Files.writeString(out.resolve("headline.md"), headline(headline), StandardCharsets.UTF_8);
            System.out.println("table " + out.resolve("headline.md"));
        }
    }

    /**
     * The done-criteria table of the end-to-end comparison at one concurrency, quiet then with CPU hogs, one row per
     * repetition and then the median and range of each ratio.
     */
    static String headline(List<List<String>> runs) {
        String[] names = {"ours CPU µs/call quiet", "ours CPU µs/call loaded", "ours loaded / quiet CPU",
            "SDK loaded / quiet CPU", "calls/s ours / SDK, quiet", "calls/s ours / SDK, loaded",
            "p99 ours / SDK, quiet", "p99 ours / SDK, loaded", "+threads ours / SDK", "load average"};
        List<double[]> rows = new ArrayList<>();
        for (List<String> run : runs) {
            Map<String, String> by = new LinkedHashMap<>();
            for (String line : run) {
                if (!line.isBlank()) {
                    by.put(text(line, "client") + (number(line, "cpuHogs", 0) > 0 ? " loaded" : " quiet"), line);
                }
            }
            String oq = by.get("ours quiet");
            String ol = by.get("ours loaded");
            String sq = by.get("sdk quiet");
            String sl = by.get("sdk loaded");
            if (oq == null || ol == null || sq == null || sl == null) {
                continue;
            }
            rows.add(new double[] {number(oq, "cpuMicrosPerCall", 0), number(ol, "cpuMicrosPerCall", 0),
                number(ol, "cpuMicrosPerCall", 0) / number(oq, "cpuMicrosPerCall", 1),
                number(sl, "cpuMicrosPerCall", 0) / number(sq, "cpuMicrosPerCall", 1),
                number(oq, "callsPerSecond", 0) / number(sq, "callsPerSecond", 1),
                number(ol, "callsPerSecond", 0) / number(sl, "callsPerSecond", 1),
                number(oq, "p99Micros", 0) / number(sq, "p99Micros", 1),
                number(ol, "p99Micros", 0) / number(sl, "p99Micros", 1),
                number(oq, "threadsAdded", 0) / number(sq, "threadsAdded", 1),
                (number(oq, "loadAverage", 0) + number(ol, "loadAverage", 0) + number(sq, "loadAverage", 0)
                        + number(sl, "loadAverage", 0)) / 4});
        }
        StringBuilder md = new StringBuilder("| | ");
        for (int r = 1; r <= rows.size(); r++) {
            md.append("run ").append(r).append(" | ");
        }
        md.append("median | range |\n|---|");
        md.append("---|".repeat(rows.size() + 2)).append('\n');
        for (int c = 0; c < names.length; c++) {
            md.append("| ").append(names[c]).append(" | ");
            double[] values = new double[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                values[r] = rows.get(r)[c];
                md.append(String.format(Locale.ROOT, "%.2f | ", values[r]));
            }
            java.util.Arrays.sort(values);
            double median = values.length == 0 ? Double.NaN : values.length % 2 == 1 ? values[values.length / 2]
                    : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
            md.append(String.format(Locale.ROOT, "%.2f | %.2f–%.2f |%n", median,
                    values.length == 0 ? Double.NaN : values[0],
                    values.length == 0 ? Double.NaN : values[values.length - 1]));
        }
        return md.toString();
    }

    private static void endToEnd(List<String> lines, Path out) throws IOException {
        // series name -> concurrency -> value, one map per chart
        Map<String, TreeMap<Double, Double>> p50 = new LinkedHashMap<>();
        Map<String, TreeMap<Double, Double>> p99 = new LinkedHashMap<>();
        Map<String, TreeMap<Double, Double>> cpu = new LinkedHashMap<>();
        Map<String, TreeMap<Double, Double>> rate = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String client = text(line, "client").equals("sdk") ? "SDK" : "ours";
            int hogs = (int) number(line, "cpuHogs", 0);
            String series = client + (hogs == 0 ? ", quiet" : ", " + hogs + " CPU hogs");
            double c = number(line, "concurrency", 0);
            p50.computeIfAbsent(series + " p50", k -> new TreeMap<>()).put(c, number(line, "p50Micros", 0) / 1000);
            p99.computeIfAbsent(series + " p99", k -> new TreeMap<>()).put(c, number(line, "p99Micros", 0) / 1000);
            cpu.computeIfAbsent(series, k -> new TreeMap<>()).put(c, number(line, "cpuMicrosPerCall", 0));
            rate.computeIfAbsent(series, k -> new TreeMap<>()).put(c, number(line, "callsPerSecond", 0));
        }
        Map<String, TreeMap<Double, Double>> latency = new LinkedHashMap<>(p99);
        latency.putAll(p50);
        write(out.resolve("e2e-latency.svg"), chart("End to end: latency against concurrency (dashed: p50)",
                "concurrent calls", "latency, ms (log)", latency, true, true, null));
        write(out.resolve("e2e-cpu.svg"), chart("End to end: client CPU per call against concurrency",
                "concurrent calls", "CPU µs per call", cpu, true, false, null));
        write(out.resolve("e2e-throughput.svg"), chart("End to end: calls per second against concurrency",
                "concurrent calls", "calls per second", rate, true, false, null));
    }

    private static void limiterRate(List<String> lines, Path out) throws IOException {
        Map<String, TreeMap<Double, Double>> series = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.split(",");
            if (f.length != 3 || f[0].equals("limiter")) {
                continue;
            }
            series.computeIfAbsent(f[0], k -> new TreeMap<>()).put(Double.parseDouble(f[1]),
                    Double.parseDouble(f[2]));
        }
        write(out.resolve("limiter-rate.svg"), chart("Limiters under 1,000 subscribers: grants in the last second",
                "seconds", "grants in the last second", series, false, false, 20.0));
    }

    private static void watchHeap(List<String> files, Path out) throws IOException {
        TreeMap<Double, Double> perWatch = new TreeMap<>();
        for (String json : files) {
            perWatch.put(number(json, "watches", 0), number(json, "heapPerWatchBytes", 0));
        }
        Map<String, TreeMap<Double, Double>> series = new LinkedHashMap<>();
        series.put("heap per watch", perWatch);
        write(out.resolve("watch-heap.svg"), chart("Watching at scale: heap per watch", "watches (log)",
                "bytes per watch", series, true, false, null));
    }

    private static void fleet(List<String> lines, Path out) throws IOException {
        // configuration -> the values of its repetitions
        Map<String, Map<Double, List<Double>>> values = new LinkedHashMap<>();
        double interval = 1000;
        for (String line : lines) {
            if (line.isBlank() || !line.contains("\"fault\":null")) {
                continue;
            }
            String mode = line.contains("\"sharing\":true") ? "sharing on" : "sharing off";
            double replicas = number(line, "replicas", 0);
            interval = number(line, "intervalMillis", interval);
            values.computeIfAbsent(mode + " Describe/s", k -> new TreeMap<>())
                    .computeIfAbsent(replicas, k -> new ArrayList<>()).add(number(line, "describesPerSecond", 0));
            values.computeIfAbsent(mode + " p95", k -> new TreeMap<>())
                    .computeIfAbsent(replicas, k -> new ArrayList<>()).add(number(line, "delayP95Millis", 0));
            values.computeIfAbsent(mode + " p50", k -> new TreeMap<>())
                    .computeIfAbsent(replicas, k -> new ArrayList<>()).add(number(line, "delayP50Millis", 0));
        }
        Map<String, TreeMap<Double, Double>> rate = new LinkedHashMap<>();
        Map<String, TreeMap<Double, Double>> delay = new LinkedHashMap<>();
        values.forEach((name, byReplicas) -> {
            TreeMap<Double, Double> medians = new TreeMap<>();
            byReplicas.forEach((n, v) -> medians.put(n, median(v)));
            if (name.endsWith(" Describe/s")) {
                rate.put(name.substring(0, name.length() - " Describe/s".length()), medians);
            } else {
                delay.put(name, medians);
            }
        });
        Map<String, TreeMap<Double, Double>> delayOrdered = new LinkedHashMap<>();
        delay.forEach((k, v) -> {
            if (k.endsWith(" p95")) {
                delayOrdered.put(k, v);
            }
        });
        delay.forEach(delayOrdered::putIfAbsent);
        write(out.resolve("fleet-describes.svg"), chart("Fleet watch: the fleet's Describe requests per second",
                "replica processes", "Describe/s (fleet)", rate, false, false, 20.0, "limit 20/s"));
        write(out.resolve("fleet-delay.svg"), chart("Fleet watch: task end → subscriber sees it (dashed: p50)",
                "replica processes", "delay, ms (p95, p50)", delayOrdered, false, false, interval + 500,
                "target " + label(interval + 500) + " ms"));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** A line chart: one line per series, x on a log scale when asked, a dashed red limit line when given. */
    static String chart(String title, String xLabel, String yLabel, Map<String, TreeMap<Double, Double>> series,
            boolean logX, boolean logY, Double limit) {
        return chart(title, xLabel, yLabel, series, logX, logY, limit, limit == null ? null
                : "limit " + label(limit) + "/s");
    }

    /** As above, the limit line labelled {@code limitLabel}. */
    static String chart(String title, String xLabel, String yLabel, Map<String, TreeMap<Double, Double>> series,
            boolean logX, boolean logY, Double limit, String limitLabel) {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = logY ? Double.MAX_VALUE : 0;
        double maxY = limit != null ? limit : -Double.MAX_VALUE;
        for (TreeMap<Double, Double> s : series.values()) {
            for (Map.Entry<Double, Double> p : s.entrySet()) {
                minX = Math.min(minX, p.getKey());
                maxX = Math.max(maxX, p.getKey());
                if (!logY || p.getValue() > 0) {
                    minY = Math.min(minY, p.getValue());
                }
                maxY = Math.max(maxY, p.getValue());
            }
        }
        if (minX == Double.MAX_VALUE) {
            minX = 0;
            maxX = 1;
            maxY = 1;
        }
        Axis x = new Axis(minX, maxX == minX ? minX + 1 : maxX, logX, LEFT, WIDTH - RIGHT);
        Axis y = logY ? new Axis(Math.max(minY, 1e-3), Math.max(maxY, minY * 10), true, HEIGHT - BOTTOM, TOP)
                : new Axis(0, niceCeiling(maxY * 1.1), false, HEIGHT - BOTTOM, TOP);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, HEIGHT, WIDTH,
                HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"13\" font-weight=\"bold\">%s"
                + "</text>%n", LEFT, escape(title)));
        // axes, ticks and grid
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                LEFT, TOP, LEFT, HEIGHT - BOTTOM));
        for (double t : x.ticks()) {
            double px = x.map(t);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px, TOP, px, HEIGHT - BOTTOM,
                    px, HEIGHT - BOTTOM + 15, label(t)));
        }
        for (double t : y.ticks()) {
            double py = y.map(t);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, py, WIDTH - RIGHT, py,
                    LEFT - 5, py + 4, label(t)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 12, escape(xLabel)));
        svg.append(String.format(Locale.ROOT, "<text x=\"15\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90"
                + " 15 %d)\">%s</text>%n", (TOP + HEIGHT - BOTTOM) / 2, (TOP + HEIGHT - BOTTOM) / 2,
                escape(yLabel)));
        if (limit != null) {
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"red\""
                    + " stroke-dasharray=\"6 3\"/><text x=\"%d\" y=\"%.1f\" fill=\"red\">%s</text>%n", LEFT,
                    y.map(limit), WIDTH - RIGHT, y.map(limit), WIDTH - RIGHT + 5, y.map(limit) + 4,
                    escape(limitLabel)));
        }
        int i = 0;
        Map<String, String> colourOf = new LinkedHashMap<>();
        for (Map.Entry<String, TreeMap<Double, Double>> s : series.entrySet()) {
            // The same client and condition keep one colour across p50 and p99; p50 is dashed.
            String base = s.getKey().replaceAll(" p(50|95|99)$", "");
            String colour = colourOf.computeIfAbsent(base, k -> COLOURS[colourOf.size() % COLOURS.length]);
            boolean dashed = s.getKey().endsWith(" p50");
            StringBuilder points = new StringBuilder();
            for (Map.Entry<Double, Double> p : s.getValue().entrySet()) {
                if (logY && p.getValue() <= 0) {
                    continue;
                }
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.map(p.getKey()), y.map(p.getValue())));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s"
                    + " points=\"%s\"/>%n", colour, dashed ? " stroke-dasharray=\"5 3\"" : "", points.toString().trim()));
            if (s.getValue().size() <= 12) {
                for (Map.Entry<Double, Double> p : s.getValue().entrySet()) {
                    if (!logY || p.getValue() > 0) {
                        svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                                x.map(p.getKey()), y.map(p.getValue()), colour));
                    }
                }
            }
            if (!dashed) {
                int ly = TOP + 10 + 18 * i++;
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
                        + " stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">%s</text>%n", WIDTH - RIGHT + 10, ly,
                        WIDTH - RIGHT + 30, ly, colour, WIDTH - RIGHT + 35, ly + 4, escape(base)));
            }
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** One axis: data value to pixel, linear or logarithmic. */
    private record Axis(double min, double max, boolean log, double from, double to) {
        double map(double v) {
            double a = log ? Math.log10(Math.max(v, min)) : v;
            double lo = log ? Math.log10(min) : min;
            double hi = log ? Math.log10(max) : max;
            return from + (a - lo) / (hi - lo == 0 ? 1 : hi - lo) * (to - from);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            if (log) {
                for (double d = Math.pow(10, Math.floor(Math.log10(min))); d <= max * 1.0001; d *= 10) {
                    for (double m : new double[] {1, 2, 5}) {
                        double t = d * m;
                        if (t >= min * 0.9999 && t <= max * 1.0001) {
                            ticks.add(t);
                        }
                    }
                }
                return ticks;
            }
            double step = niceCeiling((max - min) / 6);
            for (double t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
                ticks.add(t);
            }
            return ticks;
        }
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * magnitude >= v) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String label(double v) {
        if (v >= 1_000_000 && v % 1_000_000 == 0) {
            return String.format(Locale.ROOT, "%.0fM", v / 1_000_000);
        }
        if (v >= 1000 && v % 1000 == 0) {
            return String.format(Locale.ROOT, "%.0fk", v / 1000);
        }
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2g", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String text(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "";
    }

    private static double number(String json, String field, double otherwise) {
        Matcher m = Pattern.compile("\"" + field + "\":(-?[0-9.eE+-]+)").matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : otherwise;
    }

    private static void write(Path file, String svg) throws IOException {
        Files.writeString(file, svg, StandardCharsets.UTF_8);
        System.out.println("chart " + file);
    }
}
