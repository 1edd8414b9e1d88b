package dev.dbbrain.reactive.apicheck;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.annotation.Documented;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The public API of compiled jars as sorted, human-readable text: OkHttp's {@code apiDump} model, in Java's own
 * syntax with fully qualified names, so that a reviewer reads a change to the API as a diff of source-like lines.
 *
 * <p>Covered: every public type (and protected nested type) outside {@code dev.dbbrain.reactive.internal} and
 * {@code dev.dbbrain.reactive.cli} whose enclosing types are visible too; of each, its modifiers, kind, type
 * parameters with bounds, supertypes, permitted subtypes, record components, the meta-annotations of an annotation
 * type, and every public member (protected too where a subclass can see it: the class is not final) — fields with the
 * value of a compile-time constant, enum constants in ordinal order, constructors and methods with generic parameter,
 * return and {@code throws} types, varargs, {@code default} methods and annotation members' defaults. Parameter names
 * are left out (they are no part of the binary API and a rename would be noise); {@code @Deprecated} is kept.
 *
 * <p>Classes are read from the jars themselves through a class loader that takes every {@code dev.dbbrain.reactive}
 * class from the jars only (a class missing from them is an error, never silently found elsewhere) and their
 * dependencies from the parent; nothing is initialised. The output is sorted, so it depends on the bytecode alone.
 */
public final class ApiDump {

    private static final String ROOT_PACKAGE = "dev.dbbrain.reactive.";
    private static final List<String> EXCLUDED_PACKAGES = List.of(ROOT_PACKAGE + "internal", ROOT_PACKAGE + "cli");
    /** Annotations that are API wherever they stand. */
    private static final Set<Class<? extends Annotation>> ALWAYS_KEPT = Set.of(Deprecated.class,
            FunctionalInterface.class);
    /** What an annotation type's behaviour depends on. */
    private static final Set<Class<? extends Annotation>> META_ANNOTATIONS = Set.of(Retention.class, Target.class,
            Inherited.class, Documented.class, Repeatable.class);

    private ApiDump() {
    }

    /**
     * The dump of each jar in {@code jars} (in that order), read together so that one may refer to another.
     *
     * @param jars the jars to dump, each named by the title its dump carries
     * @param parent the loader of their dependencies
     * @return the dump of each jar, by the same title
     */
    public static Map<String, String> dump(Map<String, Path> jars, ClassLoader parent) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars.values()) {
            urls.add(jar.toUri().toURL());
        }
        Map<String, String> dumps = new LinkedHashMap<>();
        try (JarFirstLoader loader = new JarFirstLoader(urls.toArray(URL[]::new), parent)) {
            for (Map.Entry<String, Path> jar : jars.entrySet()) {
                dumps.put(jar.getKey(), dumpOne(jar.getKey(), jar.getValue(), loader));
            }
        }
        return dumps;
    }

    private static String dumpOne(String title, Path jar, ClassLoader loader) throws IOException {
        Map<String, Class<?>> types = new TreeMap<>();
        Map<Class<?>, ClassFileFields> fields = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> entry : classFiles(jar).entrySet()) {
            String name = entry.getKey();
            if (name.endsWith("package-info") || name.endsWith("module-info") || excluded(name)) {
                continue;
            }
            Class<?> type;
            try {
                type = Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("cannot load " + name + " from " + jar + ": " + e, e);
            }
            if (visible(type)) {
                types.put(type.getCanonicalName(), type);
                fields.put(type, ClassFileFields.read(entry.getValue()));
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("# The public API of ").append(title).append(" (").append(types.size()).append(" types).\n");
        out.append("# Checked against the compiled jar by PublicApiDumpIT in ./mvnw verify;\n");
        out.append("# rewrite with ./mvnw -B verify -DapiDump (see CONTRIBUTING.md, \"The public API\").\n");
        for (Class<?> type : types.values()) {
            out.append('\n');
            appendType(out, type, fields.get(type));
        }
        return out.toString();
    }

    private static Map<String, byte[]> classFiles(Path jar) throws IOException {
        Map<String, byte[]> classes = new TreeMap<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : file.stream().toList()) {
                String name = entry.getName();
                if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                    try (InputStream in = file.getInputStream(entry)) {
                        classes.put(name.substring(0, name.length() - ".class".length()).replace('/', '.'),
                                in.readAllBytes());
                    }
                }
            }
        }
        return classes;
    }

    private static boolean excluded(String className) {
        return !className.startsWith(ROOT_PACKAGE)
                || EXCLUDED_PACKAGES.stream().anyMatch(p -> className.startsWith(p + "."));
    }

    /** Public (or protected inside a class a subclass can extend), and so is every enclosing type. */
    private static boolean visible(Class<?> type) {
        if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
            return false;
        }
        int modifiers = type.getModifiers();
        Class<?> outer = type.getDeclaringClass();
        if (outer == null) {
            return Modifier.isPublic(modifiers);
        }
        return visible(outer) && (Modifier.isPublic(modifiers)
                || Modifier.isProtected(modifiers) && !Modifier.isFinal(outer.getModifiers()));
    }

    private static void appendType(StringBuilder out, Class<?> type, ClassFileFields facts) {
        for (Annotation annotation : annotations(type, type.isAnnotation())) {
            out.append(annotation(annotation)).append('\n');
        }
        out.append(typeHeader(type)).append(" {\n");
        List<String> constants = new ArrayList<>();
        // Members sorted by name, then by the whole line: overloads side by side, the order the bytecode alone decides.
        Map<String, String> fieldLines = new TreeMap<>();
        Map<String, String> constructors = new TreeMap<>();
        Map<String, String> methods = new TreeMap<>();
        Field[] declared = type.getDeclaredFields();
        Arrays.sort(declared, Comparator.comparingInt(f -> facts.position(f.getName())));
        for (Field field : declared) {
            if (field.isEnumConstant()) {
                constants.add(annotationPrefix(field) + field.getName());
            } else if (exposed(type, field) && !field.isSynthetic()) {
                fieldLines.put(field.getName(), field(field, facts.constant(field.getName())));
            }
        }
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (exposed(type, constructor) && !constructor.isSynthetic()) {
                String line = executable(type, constructor);
                constructors.put(line, line);
            }
        }
        for (Method method : type.getDeclaredMethods()) {
            if (exposed(type, method) && !method.isSynthetic() && !method.isBridge()) {
                String line = executable(type, method);
                methods.put(method.getName() + parameters(method) + " " + line, line);
            }
        }
        constants.forEach(c -> out.append("  ").append(c).append('\n'));
        for (Map<String, String> group : List.of(fieldLines, constructors, methods)) {
            group.values().forEach(line -> out.append("  ").append(line).append('\n'));
        }
        out.append("}\n");
    }

    private static String typeHeader(Class<?> type) {
        int modifiers = type.getModifiers();
        StringJoiner header = new StringJoiner(" ");
        header.add(Modifier.isPublic(modifiers) ? "public" : "protected");
        String kind;
        if (type.isAnnotation()) {
            kind = "@interface";
        } else if (type.isInterface()) {
            kind = "interface";
        } else if (type.isEnum()) {
            kind = "enum";
        } else if (type.isRecord()) {
            kind = "record";
        } else {
            kind = "class";
            if (Modifier.isAbstract(modifiers)) {
                header.add("abstract");
            }
        }
        if (type.getDeclaringClass() != null && Modifier.isStatic(modifiers) && kind.equals("class")) {
            header.add("static");
        }
        if (type.isSealed()) {
            header.add("sealed");
        } else if (Modifier.isFinal(modifiers) && kind.equals("class")) {
            header.add("final");
        }
        header.add(kind);
        StringBuilder name = new StringBuilder(type.getCanonicalName()).append(typeParameters(type.getTypeParameters()));
        if (type.isRecord()) {
            StringJoiner components = new StringJoiner(", ", "(", ")");
            for (RecordComponent component : type.getRecordComponents()) {
                components.add(render(component.getGenericType()) + " " + component.getName());
            }
            name.append(components);
        }
        header.add(name);
        Type superclass = type.getGenericSuperclass();
        if (superclass != null && superclass != Object.class && !type.isEnum() && !type.isRecord()) {
            header.add("extends").add(render(superclass));
        }
        List<String> interfaces = new ArrayList<>();
        for (Type t : type.getGenericInterfaces()) {
            if (!(type.isAnnotation() && t == Annotation.class)) {
                interfaces.add(render(t));
            }
        }
        if (!interfaces.isEmpty()) {
            header.add(type.isInterface() ? "extends" : "implements").add(String.join(", ", interfaces));
        }
        if (type.isSealed()) {
            header.add("permits").add(String.join(", ",
                    Stream.of(type.getPermittedSubclasses()).map(Class::getCanonicalName).sorted().toList()));
        }
        return header.toString();
    }

    /** Public, or protected where a subclass outside the package can reach it. */
    private static boolean exposed(Class<?> owner, Member member) {
        int modifiers = member.getModifiers();
        return Modifier.isPublic(modifiers)
                || Modifier.isProtected(modifiers) && !Modifier.isFinal(owner.getModifiers());
    }

    private static String field(Field field, Object constant) {
        StringJoiner line = new StringJoiner(" ");
        line.add(annotationPrefix(field) + visibility(field.getModifiers()));
        if (Modifier.isStatic(field.getModifiers())) {
            line.add("static");
        }
        if (Modifier.isFinal(field.getModifiers())) {
            line.add("final");
        }
        line.add(render(field.getGenericType())).add(field.getName());
        if (constant != null) {
            line.add("=").add(literal(field.getType(), constant));
        }
        return line.toString();
    }

    private static String executable(Class<?> owner, Executable executable) {
        int modifiers = executable.getModifiers();
        StringJoiner line = new StringJoiner(" ");
        line.add(annotationPrefix(executable) + visibility(modifiers));
        if (executable instanceof Method method) {
            if (method.isDefault()) {
                line.add("default");
            }
            if (Modifier.isStatic(modifiers)) {
                line.add("static");
            }
            if (Modifier.isAbstract(modifiers) && !owner.isInterface()) {
                line.add("abstract");
            }
            // In a final class (a record, say) a final method says nothing more.
            if (Modifier.isFinal(modifiers) && !Modifier.isFinal(owner.getModifiers())) {
                line.add("final");
            }
        }
        String typeParameters = typeParameters(executable.getTypeParameters());
        if (!typeParameters.isEmpty()) {
            line.add(typeParameters);
        }
        if (executable instanceof Method method) {
            line.add(render(method.getGenericReturnType()));
            line.add(method.getName() + parameters(executable));
        } else {
            line.add(owner.getSimpleName() + parameters(executable));
        }
        Type[] exceptions = executable.getGenericExceptionTypes();
        if (exceptions.length > 0) {
            line.add("throws").add(String.join(", ", Stream.of(exceptions).map(ApiDump::render).sorted().toList()));
        }
        if (executable instanceof Method method && method.getDefaultValue() != null) {
            line.add("default").add(annotationValue(method.getDefaultValue()));
        }
        return line.toString();
    }

    private static String parameters(Executable executable) {
        Type[] types = executable.getGenericParameterTypes();
        StringJoiner list = new StringJoiner(", ", "(", ")");
        for (int i = 0; i < types.length; i++) {
            String rendered = render(types[i]);
            if (executable.isVarArgs() && i == types.length - 1) {
                rendered = rendered.substring(0, rendered.length() - 2) + "...";
            }
            list.add(rendered);
        }
        return list.toString();
    }

    private static String typeParameters(TypeVariable<?>[] variables) {
        if (variables.length == 0) {
            return "";
        }
        StringJoiner list = new StringJoiner(", ", "<", ">");
        for (TypeVariable<?> variable : variables) {
            List<String> bounds = Stream.of(variable.getBounds()).filter(b -> b != Object.class)
                    .map(ApiDump::render).toList();
            list.add(bounds.isEmpty() ? variable.getName()
                    : variable.getName() + " extends " + String.join(" & ", bounds));
        }
        return list.toString();
    }

    /** A type as Java source writes it, fully qualified: {@code java.util.List<? extends a.B>}, {@code a.B.C[]}. */
    static String render(Type type) {
        if (type instanceof Class<?> c) {
            return c.isArray() ? render(c.getComponentType()) + "[]" : c.getCanonicalName();
        }
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            String base = p.getOwnerType() instanceof ParameterizedType owner
                    ? render(owner) + "." + raw.getSimpleName() : raw.getCanonicalName();
            StringJoiner arguments = new StringJoiner(", ", "<", ">");
            for (Type argument : p.getActualTypeArguments()) {
                arguments.add(render(argument));
            }
            return base + arguments;
        }
        if (type instanceof WildcardType w) {
            if (w.getLowerBounds().length > 0) {
                return "? super " + render(w.getLowerBounds()[0]);
            }
            Type upper = w.getUpperBounds()[0];
            return upper == Object.class ? "?" : "? extends " + render(upper);
        }
        if (type instanceof GenericArrayType a) {
            return render(a.getGenericComponentType()) + "[]";
        }
        if (type instanceof TypeVariable<?> v) {
            return v.getName();
        }
        throw new IllegalArgumentException("unknown type " + type);
    }

    private static String visibility(int modifiers) {
        return Modifier.isPublic(modifiers) ? "public" : "protected";
    }

    private static String annotationPrefix(AnnotatedElement element) {
        StringBuilder prefix = new StringBuilder();
        for (Annotation annotation : annotations(element, false)) {
            prefix.append(annotation(annotation)).append(' ');
        }
        return prefix.toString();
    }

    private static List<Annotation> annotations(AnnotatedElement element, boolean annotationType) {
        return Stream.of(element.getDeclaredAnnotations())
                .filter(a -> kept(a.annotationType(), annotationType))
                .sorted(Comparator.comparing(a -> a.annotationType().getName()))
                .toList();
    }

    /** On an annotation type, its meta-annotations and any other library's (they make its behaviour) are kept. */
    private static boolean kept(Class<? extends Annotation> annotation, boolean onAnnotationType) {
        return ALWAYS_KEPT.contains(annotation) || onAnnotationType
                && (META_ANNOTATIONS.contains(annotation) || !annotation.getPackageName().startsWith("java."));
    }

    /**
     * An annotation with every element, sorted by name: written here rather than by {@code Annotation.toString()},
     * whose format is the JDK's and has changed between releases (the dump must read the same on JDK 17, 21, 25).
     */
    private static String annotation(Annotation annotation) {
        Method[] elements = annotation.annotationType().getDeclaredMethods();
        Arrays.sort(elements, Comparator.comparing(Method::getName));
        StringJoiner values = new StringJoiner(", ", "(", ")").setEmptyValue("");
        for (Method element : elements) {
            try {
                values.add(element.getName() + "=" + annotationValue(element.invoke(annotation)));
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("cannot read " + element + " of " + annotation, e);
            }
        }
        return "@" + annotation.annotationType().getCanonicalName() + values;
    }

    private static String literal(Class<?> type, Object value) {
        if (type == String.class) {
            return quote((String) value, '"');
        }
        if (type == char.class) {
            return quote(String.valueOf((char) (int) (Integer) value), '\'');
        }
        if (type == boolean.class) {
            return ((Integer) value) != 0 ? "true" : "false";
        }
        if (type == long.class) {
            return value + "L";
        }
        if (type == float.class) {
            return value + "F";
        }
        return String.valueOf(value);
    }

    private static String annotationValue(Object value) {
        if (value instanceof String s) {
            return quote(s, '"');
        }
        if (value instanceof Character c) {
            return quote(String.valueOf(c), '\'');
        }
        if (value instanceof Class<?> c) {
            return render(c) + ".class";
        }
        if (value instanceof Enum<?> e) {
            return e.getDeclaringClass().getCanonicalName() + "." + e.name();
        }
        if (value.getClass().isArray()) {
            StringJoiner list = new StringJoiner(", ", "{", "}");
            for (int i = 0; i < Array.getLength(value); i++) {
                list.add(annotationValue(Array.get(value, i)));
            }
            return list.toString();
        }
        if (value instanceof Annotation a) {
            return annotation(a);
        }
        if (value instanceof Long) {
            return value + "L";
        }
        if (value instanceof Float) {
            return value + "F";
        }
        return String.valueOf(value);
    }

    private static String quote(String s, char quote) {
        StringBuilder out = new StringBuilder().append(quote);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c == quote) {
                        out.append('\\').append(c);
                    } else if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append(quote).toString();
    }

    /**
     * Dumps jars given on the command line into files: {@code ApiDump OUT_DIR TITLE=JAR_OR_DIR...}, with the
     * dependencies on the class path. Used to compare the API of an earlier commit with today's.
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Map<String, Path> jars = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            jars.put(pair[0], Path.of(pair[1]));
        }
        Files.createDirectories(out);
        for (Map.Entry<String, String> dump : dump(jars, ApiDump.class.getClassLoader()).entrySet()) {
            Files.writeString(out.resolve(dump.getKey() + ".api"), dump.getValue());
        }
    }

    /** Takes every {@code dev.dbbrain.reactive} class from the given jars only; anything else from the parent. */
    private static final class JarFirstLoader extends URLClassLoader {

        JarFirstLoader(URL[] jars, ClassLoader parent) {
            super("api-dump", jars, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(ROOT_PACKAGE)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    loaded = findClass(name);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }
}
