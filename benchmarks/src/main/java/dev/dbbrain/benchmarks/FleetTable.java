package dev.dbbrain.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@link FleetWatch}'s results as Markdown: one row per run, then issue 21's targets with the ratios measured (the
 * median of the repetitions of a configuration), then the fault runs.
 */
final class FleetTable {

    private FleetTable() {
    }

    static String markdown(List<Map<String, Object>> runs, FleetWatch.Settings s) {
        StringBuilder md = new StringBuilder();
        md.append("| replicas | sharing | run | Describes | Describe/s | most in 1 s | delay p50 | p95 | max (ms) |"
                + " saw terminal | watch errors | load before → after |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> r : runs) {
            if (r.get("fault") != null) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %s | %s | %s | %s | %s/%s | %s | %s → %s"
                    + " |%n", r.get("replicas"), on(r) ? "on" : "off", r.get("repetition"), r.get("describes"),
                    num(r, "describesPerSecond"), r.get("maxDescribesInOneSecond"), r.get("delayP50Millis"),
                    r.get("delayP95Millis"), r.get("delayMaxMillis"), r.get("sawTerminal"), r.get("subscriberCount"),
                    r.get("watchErrors"), r.get("loadBefore"), r.get("loadAfter")));
        }
        md.append('\n');
        double single = median(runs, 1, false, "describes");
        double singleShared = median(runs, 1, true, "describes");
        long delayTarget = s.intervalMillis() + 500;
        md.append("| target | measured (median of runs) | met |\n|---|---|---|\n");
        TreeSet<Integer> counts = new TreeSet<>();
        runs.stream().filter(r -> r.get("fault") == null).forEach(r -> counts.add(((Number) r.get("replicas"))
                .intValue()));
        for (int n : counts) {
            double shared = median(runs, n, true, "describes");
            if (!Double.isNaN(shared) && !Double.isNaN(single)) {
                double ratio = shared / single;
                md.append(String.format(Locale.ROOT, "| %d replicas, sharing on: Describes ≤ 1.15 × one replica's"
                        + " (sharing off) | %.0f / %.0f = %.2f× (against one replica sharing on: %.2f×) | %s |%n", n,
                        shared, single, ratio, shared / singleShared, ratio <= 1.15 ? "yes" : "**no**"));
            }
        }
        double on3 = median(runs, 3, true, "describes");
        double off3 = median(runs, 3, false, "describes");
        if (!Double.isNaN(on3) && !Double.isNaN(off3)) {
            md.append(String.format(Locale.ROOT, "| 3 replicas: ≥ 2.5× fewer Describes with sharing than without |"
                    + " %.0f / %.0f = %.2f× fewer | %s |%n", off3, on3, off3 / on3, off3 / on3 >= 2.5 ? "yes"
                    : "**no**"));
        }
        for (int n : counts) {
            for (boolean sharing : new boolean[] {true, false}) {
                double p95 = median(runs, n, sharing, "delayP95Millis");
                if (!Double.isNaN(p95)) {
                    md.append(String.format(Locale.ROOT, "| %d replicas, sharing %s: delay p95 ≤ interval + 500 ms"
                            + " = %d ms | %.0f ms | %s |%n", n, sharing ? "on" : "off", delayTarget, p95,
                            p95 <= delayTarget ? "yes" : sharing ? "**no**" : "no (not a target without sharing)"));
                }
            }
        }
        List<Map<String, Object>> faults = new ArrayList<>();
        runs.stream().filter(r -> r.get("fault") != null).forEach(faults::add);
        if (!faults.isEmpty()) {
            md.append("\n| fault | Describes (clean run: ").append(fmt(on3)).append(") | delay p50 | p95 | max (ms) |"
                    + " saw terminal | watch errors | went back | terminal before the end | per replica |\n");
            md.append("|---|---|---|---|---|---|---|---|---|---|\n");
            for (Map<String, Object> r : faults) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s/%s | %s | %s | %s | %s |%n",
                        r.get("fault"), r.get("describes"), r.get("delayP50Millis"), r.get("delayP95Millis"),
                        r.get("delayMaxMillis"), r.get("sawTerminal"), r.get("subscriberCount"),
                        r.get("watchErrors"), r.get("backwards"), r.get("terminalBeforeEnd"), perReplica(r)));
            }
        }
        return md.toString();
    }

    private static String perReplica(Map<String, Object> r) {
        StringBuilder b = new StringBuilder();
        if (r.get("perReplica") instanceof List<?> list) {
            for (Object o : list) {
                Map<?, ?> p = (Map<?, ?>) o;
                if (b.length() > 0) {
                    b.append("; ");
                }
                b.append('#').append(p.get("index"));
                if (Boolean.TRUE.equals(p.get("killed"))) {
                    b.append(" killed");
                    continue;
                }
                b.append(" warnings ").append(p.get("sharingWarnings")).append(", resumed ")
                        .append(p.get("sharingResumed"));
                if (p.get("stats") instanceof tools.jackson.databind.JsonNode stats) {
                    b.append(", taken over ").append(stats.path("sharedPollsTakenOver").asLong())
                            .append(", rejected ").append(stats.path("sharedStatesRejected").asLong())
                            .append(", alone ").append(stats.path("sharedFallbackPolls").asLong());
                }
            }
        }
        return b.toString();
    }

    private static boolean on(Map<String, Object> r) {
        return Boolean.TRUE.equals(r.get("sharing"));
    }

    private static double num(Map<String, Object> r, String field) {
        return ((Number) r.get(field)).doubleValue();
    }

    /** The median of a field over the clean runs of one configuration; NaN if there is none. */
    static double median(List<Map<String, Object>> runs, int replicas, boolean sharing, String field) {
        double[] values = runs.stream().filter(r -> r.get("fault") == null
                && ((Number) r.get("replicas")).intValue() == replicas && on(r) == sharing)
                .mapToDouble(r -> num(r, field)).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.0f", v);
    }
}
