import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a Central Publisher Portal bundle (the zip that central-publishing-maven-plugin writes) against the Portal's
 * published requirements, offline: https://central.sonatype.org/publish/requirements/ — coordinates and a release
 * version, the pom's name, description, url, licenses, developers and scm, a -sources.jar and a -javadoc.jar for the
 * jar, an .asc signature for every file (verified with gpg against the given public key only), and .md5 and .sha1
 * checksums for every file (.sha256 and .sha512 verified where present). It also refuses any file it was not told to
 * expect, so that nothing unintended (the CLI jar) is published.
 *
 * <p>Run with the JDK alone (no build): {@code java .ci/ValidateCentralBundle.java BUNDLE.zip --public-key KEY.asc
 * --component GROUP:ARTIFACT:VERSION [--attached CLASSIFIER.EXTENSION,...]}. Prints the bundle's files and one line per
 * finding; exits 1 when the bundle would be refused.
 */
public final class ValidateCentralBundle {

    private static final List<String> SIGNATURE_AND_CHECKSUMS = List.of(".asc", ".md5", ".sha1", ".sha256", ".sha512");
    private static final Map<String, String> DIGESTS = Map.of(".md5", "MD5", ".sha1", "SHA-1", ".sha256", "SHA-256",
            ".sha512", "SHA-512");

    private final List<String> failures = new ArrayList<>();
    private final List<String> passes = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Path bundle = null;
        Path publicKey = null;
        String component = null;
        List<String> attached = List.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--public-key" -> publicKey = Path.of(args[++i]);
                case "--component" -> component = args[++i];
                case "--attached" -> attached = List.of(args[++i].split(","));
                default -> bundle = Path.of(args[i]);
            }
        }
        if (bundle == null || publicKey == null || component == null || component.split(":").length != 3) {
            System.err.println("usage: ValidateCentralBundle BUNDLE.zip --public-key KEY.asc"
                    + " --component GROUP:ARTIFACT:VERSION [--attached CLASSIFIER.EXTENSION,...]");
            System.exit(2);
        }
        String[] gav = component.split(":");
        ValidateCentralBundle check = new ValidateCentralBundle();
        check.validate(bundle, publicKey, gav[0], gav[1], gav[2], attached);
        check.passes.forEach(p -> System.out.println("  ok    " + p));
        check.failures.forEach(f -> System.out.println("  FAIL  " + f));
        if (!check.failures.isEmpty()) {
            System.out.println("REJECTED: " + check.failures.size() + " of the Central Portal's requirements not met by "
                    + bundle);
            System.exit(1);
        }
        System.out.println("VALID: " + bundle + " meets the Central Portal's requirements ("
                + check.passes.size() + " checks)");
    }

    private void validate(Path bundle, Path publicKey, String groupId, String artifactId, String version,
            List<String> attached) throws Exception {
        Map<String, byte[]> files = read(bundle);
        System.out.println("Bundle " + bundle + ":");
        files.forEach((name, bytes) -> System.out.printf("  %9d  %s%n", bytes.length, name));

        // Coordinates: a release version, every file in the component's directory of the Maven repository layout.
        check(!version.endsWith("-SNAPSHOT"), "version " + version + " is a release version (no -SNAPSHOT)");
        String directory = groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/";
        String base = artifactId + "-" + version;
        List<String> outside = files.keySet().stream().filter(n -> !n.startsWith(directory)).toList();
        check(outside.isEmpty(), "every file is under " + directory + (outside.isEmpty() ? "" : "; not: " + outside));

        // The files a jar component must have, and only the attached files we publish on purpose.
        Set<String> primary = new TreeSet<>();
        for (String name : files.keySet()) {
            if (name.startsWith(directory) && SIGNATURE_AND_CHECKSUMS.stream().noneMatch(name::endsWith)) {
                primary.add(name.substring(directory.length()));
            }
        }
        List<String> expected = new ArrayList<>(List.of(base + ".pom", base + ".jar", base + "-sources.jar",
                base + "-javadoc.jar"));
        for (String classifierAndExtension : attached) {
            int dot = classifierAndExtension.lastIndexOf('.');
            expected.add(base + "-" + classifierAndExtension.substring(0, dot) + classifierAndExtension.substring(dot));
        }
        for (String name : expected) {
            check(primary.contains(name), name + " is in the bundle");
        }
        for (String name : primary) {
            check(expected.contains(name), name + " is a file meant to be published");
        }

        // Every file signed and checksummed.
        for (String name : primary) {
            byte[] content = files.get(directory + name);
            for (String suffix : List.of(".md5", ".sha1", ".sha256", ".sha512")) {
                byte[] checksum = files.get(directory + name + suffix);
                boolean required = suffix.equals(".md5") || suffix.equals(".sha1");
                if (checksum == null) {
                    check(!required, name + suffix + " is present" + (required ? "" : " (optional)"));
                    continue;
                }
                String expectedHex = hex(DIGESTS.get(suffix), content);
                String declared = new String(checksum, StandardCharsets.US_ASCII).trim().split("\\s+")[0];
                check(declared.equalsIgnoreCase(expectedHex), name + suffix + " matches the file");
            }
            byte[] signature = files.get(directory + name + ".asc");
            check(signature != null, name + ".asc is present");
            if (signature != null) {
                String verdict = verifySignature(publicKey, content, signature);
                check(verdict.startsWith("good"), name + ".asc verifies against " + publicKey.getFileName() + ": "
                        + verdict);
            }
        }

        byte[] pom = files.get(directory + base + ".pom");
        if (pom != null) {
            checkPom(pom, groupId, artifactId, version);
        }
        checkArchive(files.get(directory + base + "-sources.jar"), base + "-sources.jar", ".java");
        checkArchive(files.get(directory + base + "-javadoc.jar"), base + "-javadoc.jar", "index.html");
    }

    /** The pom's coordinates and the metadata the Portal requires ("Sufficient Metadata"). */
    private void checkPom(byte[] pom, String groupId, String artifactId, String version) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(pom));
        Element project = document.getDocumentElement();
        String pomGroupId = text(project, "groupId");
        if (pomGroupId.isEmpty()) {
            pomGroupId = text(child(project, "parent"), "groupId");
        }
        check(pomGroupId.equals(groupId), "pom groupId is " + groupId + " (found '" + pomGroupId + "')");
        check(text(project, "artifactId").equals(artifactId), "pom artifactId is " + artifactId);
        check(text(project, "version").equals(version), "pom version is " + version
                + " (found '" + text(project, "version") + "')");
        for (String element : List.of("name", "description", "url")) {
            check(!text(project, element).isEmpty(), "pom has <" + element + ">");
        }
        List<Element> licenses = children(child(project, "licenses"), "license");
        check(!licenses.isEmpty() && licenses.stream().allMatch(l -> !text(l, "name").isEmpty()),
                "pom has <licenses> with a named <license>");
        List<Element> developers = children(child(project, "developers"), "developer");
        check(!developers.isEmpty() && developers.stream()
                        .allMatch(d -> !text(d, "name").isEmpty() || !text(d, "id").isEmpty()),
                "pom has <developers> with a named <developer>");
        Element scm = child(project, "scm");
        check(scm != null, "pom has <scm>");
        for (String element : List.of("url", "connection")) {
            check(!text(scm, element).isEmpty(), "pom has <scm><" + element + ">");
        }
    }

    private void checkArchive(byte[] jar, String name, String mustContain) throws IOException {
        if (jar == null) {
            return;
        }
        boolean found = false;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                found |= entry.getName().endsWith(mustContain);
            }
        }
        check(found, name + " holds " + (mustContain.startsWith(".") ? "*" : "") + mustContain);
    }

    /** gpg in a keyring of its own holding only {@code publicKey}: "good (key …)" or why not. */
    private static String verifySignature(Path publicKey, byte[] content, byte[] signature) throws Exception {
        Path home = Files.createTempDirectory("verify-gnupg");
        try {
            Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            run(home, List.of("--import", publicKey.toString()));
            Path file = Files.write(home.resolve("file"), content);
            Path asc = Files.write(home.resolve("file.asc"), signature);
            String status = run(home, List.of("--status-fd", "1", "--verify", asc.toString(), file.toString()));
            for (String line : status.split("\n")) {
                if (line.startsWith("[GNUPG:] VALIDSIG ")) {
                    return "good (key " + line.split(" ")[2] + ")";
                }
            }
            return "no valid signature (gpg said: " + status.replace('\n', ' ').trim() + ")";
        } finally {
            // Whatever gpg started for this keyring ends with it.
            new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "all")
                    .redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
            try (var walk = Files.walk(home)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String run(Path home, List<String> gpgArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--no-tty"));
        command.addAll(gpgArgs);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        return output;
    }

    private void check(boolean ok, String requirement) {
        (ok ? passes : failures).add(requirement);
    }

    private static Map<String, byte[]> read(Path bundle) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (InputStream raw = Files.newInputStream(bundle); ZipInputStream in = new ZipInputStream(raw)) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (!entry.isDirectory()) {
                    files.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        return files;
    }

    private static String hex(String algorithm, byte[] content) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        if (parent != null) {
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals(name)) {
                    found.add(e);
                }
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? "" : e.getTextContent().trim();
    }
}
