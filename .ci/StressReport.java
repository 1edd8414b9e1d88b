import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The flake counts of a {@code .ci/stress} output directory: reads every run's JUnit XML reports
 * ({@code run-I/SUITE/TEST-*.xml}) and prints, per test, in how many runs it ran, failed, erred and was skipped.
 * Run with {@code java .ci/StressReport.java DIR} (the JDK's source launcher: no build, no dependency). Exits 1 when
 * any test failed or erred in any run, or when a run of a suite left no report at all.
 */
public final class StressReport {

    /** One test's counts over all runs. */
    private static final class Counts {
        int runs;
        int failures;
        int errors;
        int skipped;
        final List<String> badRuns = new ArrayList<>();

        int bad() {
            return failures + errors;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java .ci/StressReport.java DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Map<String, Counts> tests = new TreeMap<>();
        List<String> empty = new ArrayList<>();
        int runDirs = 0;
        try (Stream<Path> runs = Files.list(dir)) {
            for (Path run : runs.filter(p -> p.getFileName().toString().startsWith("run-")).sorted().toList()) {
                runDirs++;
                try (Stream<Path> suites = Files.list(run)) {
                    for (Path suite : suites.filter(Files::isDirectory).sorted().toList()) {
                        int read = read(suite, run.getFileName().toString(), tests);
                        if (read == 0) {
                            empty.add(run.getFileName() + "/" + suite.getFileName());
                        }
                    }
                }
            }
        }
        List<Map.Entry<String, Counts>> flaky = tests.entrySet().stream().filter(e -> e.getValue().bad() > 0)
                .sorted(Comparator.comparingInt((Map.Entry<String, Counts> e) -> -e.getValue().bad())
                        .thenComparing(Map.Entry::getKey))
                .toList();
        System.out.printf("Stress report for %s: %d run(s), %d test(s)%n", dir, runDirs, tests.size());
        if (flaky.isEmpty()) {
            System.out.println("No test failed or erred in any run.");
        } else {
            System.out.printf("%-100s %5s %8s %6s %7s  %s%n", "test", "runs", "failures", "errors", "skipped",
                    "bad runs");
            for (Map.Entry<String, Counts> e : flaky) {
                Counts c = e.getValue();
                System.out.printf("%-100s %5d %8d %6d %7d  %s%n", e.getKey(), c.runs, c.failures, c.errors,
                        c.skipped, String.join(" ", c.badRuns));
            }
        }
        long stable = tests.values().stream().filter(c -> c.bad() == 0).count();
        int minRuns = tests.values().stream().mapToInt(c -> c.runs).min().orElse(0);
        int maxRuns = tests.values().stream().mapToInt(c -> c.runs).max().orElse(0);
        System.out.printf("Stable: %d test(s) passed (or were skipped) in every run that ran them (%d to %d runs "
                + "each).%n", stable, minRuns, maxRuns);
        for (String suite : empty) {
            System.out.println("No report at all from " + suite + " (the run did not get to its tests: see its log)");
        }
        System.exit(flaky.isEmpty() && empty.isEmpty() ? 0 : 1);
    }

    /** Adds the test cases of one suite's reports; returns how many it read. */
    private static int read(Path suite, String run, Map<String, Counts> tests) throws Exception {
        List<Path> reports;
        try (Stream<Path> files = Files.list(suite)) {
            reports = files.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList();
        }
        int read = 0;
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        for (Path report : reports) {
            NodeList cases;
            try {
                cases = factory.newDocumentBuilder().parse(report.toFile()).getElementsByTagName("testcase");
            } catch (IOException | org.xml.sax.SAXException e) {
                System.out.println("Unreadable report " + report + ": " + e.getMessage());
                continue;
            }
            for (int i = 0; i < cases.getLength(); i++) {
                Element test = (Element) cases.item(i);
                Counts c = tests.computeIfAbsent(test.getAttribute("classname") + "#" + test.getAttribute("name"),
                        k -> new Counts());
                c.runs++;
                read++;
                boolean failed = test.getElementsByTagName("failure").getLength() > 0;
                boolean erred = test.getElementsByTagName("error").getLength() > 0;
                c.failures += failed ? 1 : 0;
                c.errors += erred ? 1 : 0;
                c.skipped += test.getElementsByTagName("skipped").getLength() > 0 ? 1 : 0;
                if (failed || erred) {
                    c.badRuns.add(run);
                }
            }
        }
        return read;
    }
}
