package dev.dbbrain.reactive.auth;

import dev.dbbrain.reactive.DbbrainCredentialsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Credentials from an INI profile file ({@code [default]}: {@code secret_id}, {@code secret_key}, {@code token}).
 * Every read runs on the injected scheduler (boundedElastic by default), never on the subscriber's thread. A
 * successful read is reused for {@link #REREAD_AFTER}, so a client making 20 requests a second does not read the
 * file 20 times a second, yet an edited file is picked up within a minute; a failed read is not cached.
 */
final class ProfileCredentialsProvider implements CredentialsProvider {

    private static final long MAX_FILE_BYTES = 64 * 1024;
    /** How long a successful read is reused. */
    static final Duration REREAD_AFTER = Duration.ofSeconds(60);

    /** Candidate files, in order; an explicit file (from the environment variable or the caller) is a list of one. */
    private final List<Path> candidates;
    private final String explicitSource;
    private final Mono<Credentials> cachedRead;

    private ProfileCredentialsProvider(List<Path> candidates, String explicitSource, Scheduler readOn,
            Scheduler clock) {
        this.candidates = List.copyOf(candidates);
        this.explicitSource = explicitSource;
        this.cachedRead = Mono.fromCallable(this::read).subscribeOn(readOn)
                .cache(found -> REREAD_AFTER, failure -> Duration.ZERO, () -> Duration.ZERO, clock);
    }

    static ProfileCredentialsProvider ofFile(Path file, Scheduler readOn) {
        return ofFile(file, readOn, Schedulers.parallel());
    }

    /** As {@link #ofFile(Path, Scheduler)}, with the scheduler whose clock times the reuse of a read. */
    static ProfileCredentialsProvider ofFile(Path file, Scheduler readOn, Scheduler clock) {
        return new ProfileCredentialsProvider(List.of(file), "profile file " + file, readOn, clock);
    }

    static ProfileCredentialsProvider standard(Map<String, String> env, Scheduler readOn) {
        String named = env.get(ENV_CREDENTIALS_FILE);
        if (named != null && !named.isBlank()) {
            return new ProfileCredentialsProvider(List.of(Path.of(named.trim())),
                    ENV_CREDENTIALS_FILE + "=" + named.trim(), readOn, Schedulers.parallel());
        }
        List<Path> paths = new ArrayList<>();
        String home = System.getProperty("user.home");
        if (home != null && !home.isBlank()) {
            paths.add(Path.of(home, ".tencentcloud", "credentials"));
        }
        paths.add(Path.of("/etc/tencentcloud/credentials"));
        return new ProfileCredentialsProvider(paths, null, readOn, Schedulers.parallel());
    }

    @Override
    public Mono<Credentials> resolveCredentials() {
        return cachedRead;
    }

    private Credentials read() {
        List<String> lookedAt = new ArrayList<>();
        for (Path path : candidates) {
            if (!Files.isRegularFile(path)) {
                if (explicitSource != null) {
                    // The user named this file: its absence is a mistake to report, not a reason to look elsewhere.
                    throw new DbbrainCredentialsException(explicitSource + " does not exist or is not a file");
                }
                lookedAt.add(path + " (not found)");
                continue;
            }
            return parse(path);
        }
        throw new DbbrainCredentialsException(ENV_CREDENTIALS_FILE + " is not set, profile files "
                + String.join(", ", lookedAt), true, null);
    }

    private static Credentials parse(Path path) {
        String text;
        try {
            if (Files.size(path) > MAX_FILE_BYTES) {
                throw new DbbrainCredentialsException("profile file " + path + " is larger than 64 KiB");
            }
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DbbrainCredentialsException("profile file " + path + " could not be read: " + e, false, e);
        }
        Map<String, String> section = IniSection.parse(text, "default");
        if (section == null) {
            throw new DbbrainCredentialsException("profile file " + path + " has no [default] section");
        }
        String id = section.get("secret_id");
        String key = section.get("secret_key");
        if (id == null || id.isBlank() || key == null || key.isBlank()) {
            throw new DbbrainCredentialsException("profile file " + path + ": section [default] lacks "
                    + (id == null || id.isBlank() ? "secret_id" : "secret_key"));
        }
        String token = section.get("token");
        try {
            return Credentials.of(id, key, token == null || token.isBlank() ? null : token);
        } catch (IllegalArgumentException e) {
            throw new DbbrainCredentialsException("profile file " + path + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "ProfileCredentialsProvider" + candidates;
    }

    /** The tiny INI subset the Tencent Cloud profile file uses. */
    static final class IniSection {
        private IniSection() {
        }

        /** Returns the keys (lower case) and trimmed values of the named section, or null if it is absent. */
        static Map<String, String> parse(String text, String wanted) {
            Map<String, String> found = null;
            boolean inWanted = false;
            for (String raw : text.split("\r?\n|\r")) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                    continue;
                }
                if (line.startsWith("[") && line.endsWith("]")) {
                    inWanted = line.substring(1, line.length() - 1).strip().equals(wanted);
                    if (inWanted && found == null) {
                        found = new HashMap<>();
                    }
                    continue;
                }
                int eq = line.indexOf('=');
                if (inWanted && eq > 0) {
                    found.put(line.substring(0, eq).strip().toLowerCase(Locale.ROOT), line.substring(eq + 1).strip());
                }
            }
            return found;
        }
    }
}
