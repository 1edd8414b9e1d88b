package dev.dbbrain.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbbrain.reactive.ratelimit.RateLimiter;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What is public is a promise: no public signature outside {@code dev.dbbrain.reactive.internal} names a type from
 * it, and the core rate-limiter contract names no Lettuce type. Read from the compiled classes, so every public
 * type of the library (client, auth, ratelimit, redis, spring, micrometer, emulator, cli) is covered, including
 * the ones added later.
 */
class PublicApiTest {

    private static final String INTERNAL = "dev.dbbrain.reactive.internal.";

    private static List<Class<?>> publicTypes() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(DbbrainClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("dev/dbbrain/reactive"))) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.startsWith(INTERNAL) || name.endsWith("package-info")) {
                    continue;
                }
                Class<?> type = Class.forName(name, false, PublicApiTest.class.getClassLoader());
                if (isVisible(type)) {
                    types.add(type);
                }
            }
        }
        return types;
    }

    /** Public, and reachable from outside: every enclosing type public too. */
    private static boolean isVisible(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    /** Every type a public or protected member of {@code type} names in its signature. */
    private static Set<String> signatureTypes(Class<?> type) {
        Set<String> names = new TreeSet<>();
        collect(type.getGenericSuperclass(), names);
        for (Type t : type.getGenericInterfaces()) {
            collect(t, names);
        }
        for (Field f : type.getDeclaredFields()) {
            if (exposed(f.getModifiers())) {
                collect(f.getGenericType(), names);
            }
        }
        List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredMethods()));
        executables.addAll(List.<Constructor<?>>of(type.getDeclaredConstructors()));
        for (Executable e : executables) {
            if (!exposed(e.getModifiers()) || e.isSynthetic()) {
                continue;
            }
            if (e instanceof Method m) {
                collect(m.getGenericReturnType(), names);
            }
            for (Type t : e.getGenericParameterTypes()) {
                collect(t, names);
            }
            for (Type t : e.getGenericExceptionTypes()) {
                collect(t, names);
            }
        }
        return names;
    }

    private static boolean exposed(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void collect(Type t, Set<String> names) {
        if (t instanceof Class<?> c) {
            names.add(c.isArray() ? c.getComponentType().getName() : c.getName());
        } else if (t instanceof ParameterizedType p) {
            collect(p.getRawType(), names);
            for (Type a : p.getActualTypeArguments()) {
                collect(a, names);
            }
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                collect(b, names);
            }
            for (Type b : w.getLowerBounds()) {
                collect(b, names);
            }
        } else if (t instanceof GenericArrayType a) {
            collect(a.getGenericComponentType(), names);
        } else if (t instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                if (b != Object.class) {
                    collect(b, names);
                }
            }
        }
    }

    @Test
    void noPublicSignatureOutsideInternalNamesAnInternalType() throws Exception {
        List<String> leaks = new ArrayList<>();
        List<Class<?>> types = publicTypes();
        for (Class<?> type : types) {
            for (String name : signatureTypes(type)) {
                if (name.startsWith(INTERNAL)) {
                    leaks.add(type.getName() + " -> " + name);
                }
            }
        }
        assertThat(types).as("public types found").hasSizeGreaterThan(20);
        assertThat(leaks).isEmpty();
    }

    @Test
    void theCoreRateLimiterContractNamesNoLettuceType() {
        List<Class<?>> contract = new ArrayList<>(List.of(RateLimiter.class.getDeclaredClasses()));
        contract.add(RateLimiter.class);
        for (Class<?> type : contract) {
            assertThat(signatureTypes(type)).as(type.getName()).noneMatch(n -> n.startsWith("io.lettuce."));
        }
    }
}
