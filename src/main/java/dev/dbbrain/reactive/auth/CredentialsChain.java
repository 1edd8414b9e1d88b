package dev.dbbrain.reactive.auth;

import dev.dbbrain.reactive.DbbrainCredentialsException;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Tries providers in order. A provider that found nothing is skipped; one that found something malformed stops the
 * chain, because silently using the next source would sign with credentials the user did not mean.
 */
final class CredentialsChain implements CredentialsProvider {

    private final List<CredentialsProvider> providers;

    CredentialsChain(CredentialsProvider... providers) {
        this.providers = List.of(providers);
    }

    @Override
    public Mono<Credentials> resolveCredentials() {
        return Mono.defer(() -> attempt(0, new ArrayList<>()));
    }

    private Mono<Credentials> attempt(int index, List<String> lookedAt) {
        if (index == providers.size()) {
            return Mono.error(new DbbrainCredentialsException("No Tencent Cloud credentials found. Looked at: "
                    + String.join("; ", lookedAt), true, null));
        }
        return Mono.defer(() -> providers.get(index).resolveCredentials())
                .onErrorResume(DbbrainCredentialsException.class, e -> {
                    if (!e.notFound()) {
                        return Mono.error(e);
                    }
                    lookedAt.add(e.getMessage());
                    return attempt(index + 1, lookedAt);
                });
    }

    @Override
    public String toString() {
        return "CredentialsChain" + providers;
    }
}
