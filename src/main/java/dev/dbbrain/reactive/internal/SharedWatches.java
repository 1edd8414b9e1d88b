package dev.dbbrain.reactive.internal;

import dev.dbbrain.reactive.WatchSharing;
import java.util.function.Function;

/**
 * Makes a {@link WatchSharing} from a {@link SharedWatchStore}, for the packages that implement a store
 * ({@code ratelimit.redis}): {@code WatchSharing} has no public constructor, as no public signature may name a type
 * of this package. The core installs the factory when {@code WatchSharing} is initialized, as OkHttp's
 * {@code Internal} lends its internal packages what its public types keep private. Not part of the API.
 */
public final class SharedWatches {

    private static volatile Function<SharedWatchStore, WatchSharing> factory;

    private SharedWatches() {
    }

    /** Called once, by {@code WatchSharing}'s static initializer; later calls change nothing. */
    public static synchronized void install(Function<SharedWatchStore, WatchSharing> f) {
        if (factory == null) {
            factory = f;
        }
    }

    /** The sharing of the replicas that use {@code store}. */
    public static WatchSharing sharing(SharedWatchStore store) {
        if (factory == null) {
            try {
                // Runs WatchSharing's static initializer, which installs the factory.
                Class.forName(WatchSharing.class.getName(), true, WatchSharing.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return factory.apply(store);
    }
}
