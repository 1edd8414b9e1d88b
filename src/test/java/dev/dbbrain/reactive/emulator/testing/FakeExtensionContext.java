package dev.dbbrain.reactive.emulator.testing;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The part of an {@link ExtensionContext} that {@link DbbrainEmulatorExtension} uses: a store per context that
 * falls back to its parent's on reads, as JUnit's does. For driving the extension's callbacks by hand, to see a
 * callback fail; every other method throws.
 */
final class FakeExtensionContext {

    private FakeExtensionContext() {
    }

    static ExtensionContext create(ExtensionContext parent) {
        ExtensionContext.Store parentStore = parent == null ? null
                : parent.getStore(ExtensionContext.Namespace.GLOBAL);
        Map<Object, Object> values = new HashMap<>();
        ExtensionContext.Store store = (ExtensionContext.Store) Proxy.newProxyInstance(
                FakeExtensionContext.class.getClassLoader(), new Class<?>[] {ExtensionContext.Store.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "get":
                            Object value = values.get(args[0]);
                            return value != null || parentStore == null ? value
                                    : parentStore.get(args[0], (Class<?>) args[1]);
                        case "put":
                            values.put(args[0], args[1]);
                            return null;
                        case "remove":
                            return values.remove(args[0]);
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
        return (ExtensionContext) Proxy.newProxyInstance(FakeExtensionContext.class.getClassLoader(),
                new Class<?>[] {ExtensionContext.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getStore":
                            return store;
                        case "getParent":
                            return Optional.ofNullable(parent);
                        case "toString":
                            return "FakeExtensionContext";
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
