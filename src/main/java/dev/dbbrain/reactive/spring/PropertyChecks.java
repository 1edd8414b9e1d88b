package dev.dbbrain.reactive.spring;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Applies bound {@code dbbrain.*} values to the builders, turning each refusal of a builder method into a line that
 * names the property: {@code dbbrain.rate-limit.burst: burst must be at least 1, was 0}. Every refusal is collected,
 * so one failed start lists every bad value.
 *
 * <p>The builders check their arguments and say why in an {@link IllegalArgumentException} (or a
 * {@link NullPointerException} for a missing value); nothing is validated twice and nothing is built only to
 * validate. A builder's message repeats the refused value, so a property that holds a secret is declared first
 * ({@link #secret}, {@link #uri}): its messages have the URI's user info masked, and a message that would still
 * show a secret is replaced by a generic reason.
 */
final class PropertyChecks {

    private final List<String> refusals = new ArrayList<>();
    private final Map<String, List<String>> secrets = new HashMap<>();
    private final Map<String, String> uris = new HashMap<>();

    /**
     * Keeps these values out of the messages about {@code property} and the properties under it.
     *
     * @param property the property's name under {@code dbbrain.}, such as {@code credentials}
     * @param values secrets such as a secret key; {@code null} and empty ones are ignored
     * @return these checks
     */
    PropertyChecks secret(String property, String... values) {
        for (String value : values) {
            if (value != null && !value.isEmpty()) {
                secrets.computeIfAbsent(property, p -> new ArrayList<>()).add(value);
            }
        }
        return this;
    }

    /**
     * Masks the user info of this URI in the messages about {@code property}, and keeps the user info out of them.
     *
     * @param property the property's name under {@code dbbrain.}, such as {@code rate-limit.redis.uri}
     * @param uri its value, which may hold a password; {@code null} for none
     * @return these checks
     */
    PropertyChecks uri(String property, String uri) {
        if (uri != null && !uri.isEmpty()) {
            uris.put(property, uri);
            secret(property, UserInfo.of(uri));
        }
        return this;
    }

    /**
     * Applies one property: {@code setter} gets {@code target} and returns it, or the copy it made.
     *
     * @param property the property's name under {@code dbbrain.}, such as {@code rate-limit.burst}
     * @param target a builder, or an immutable options object
     * @param setter calls the builder method the property maps to
     * @param <T> the target's type
     * @return what the setter returned, or {@code target} unchanged when it refused the value
     */
    <T> T set(String property, T target, UnaryOperator<T> setter) {
        return set(List.of(property), target, setter);
    }

    /**
     * Applies properties that one builder method takes together, such as {@code retryBackoff(first, max)}. A refusal
     * goes to the property whose name, in camel case, starts the message ({@code max must be at least first} belongs
     * to {@code retry-backoff.max}); otherwise to all of them.
     *
     * @param properties the properties' names under {@code dbbrain.}
     * @param target a builder, or an immutable options object
     * @param setter calls the builder method
     * @param <T> the target's type
     * @return what the setter returned, or {@code target} unchanged when it refused the values
     */
    <T> T set(List<String> properties, T target, UnaryOperator<T> setter) {
        try {
            return setter.apply(target);
        } catch (IllegalArgumentException | NullPointerException e) {
            String reason = e.getMessage() == null ? "is not valid" : e.getMessage();
            refuse(properties.stream().filter(p -> reason.startsWith(camelCase(p) + " ")).findFirst()
                    .map(List::of).orElse(properties), reason);
            return target;
        }
    }

    /**
     * Records a refusal found without a builder method.
     *
     * @param property the property's name under {@code dbbrain.}
     * @param reason why the value is refused
     */
    void refuse(String property, String reason) {
        refuse(List.of(property), reason);
    }

    /**
     * Throws one exception listing every refusal, if there was any. It has no cause: a cause's message could
     * repeat a value this class has kept out.
     *
     * @throws IllegalArgumentException naming each refused property and the reason
     */
    void throwIfRefused() {
        if (refusals.size() == 1) {
            throw new IllegalArgumentException(refusals.get(0));
        }
        if (!refusals.isEmpty()) {
            throw new IllegalArgumentException("Invalid dbbrain properties: " + String.join("; ", refusals));
        }
    }

    private void refuse(List<String> properties, String reason) {
        String message = reason;
        for (String property : properties) {
            message = redact(property, message);
        }
        refusals.add(String.join(", ", properties.stream().map(p -> "dbbrain." + p).toList()) + ": " + message);
    }

    private String redact(String property, String reason) {
        String message = reason;
        String uri = uris.get(property);
        if (uri != null) {
            String masked = UserInfo.mask(uri);
            message = message.replace(uri, masked).replace(uri.trim(), masked);
        }
        String lower = message.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, List<String>> declared : secrets.entrySet()) {
            boolean covers = property.equals(declared.getKey()) || property.startsWith(declared.getKey() + ".");
            if (covers && declared.getValue().stream().anyMatch(s -> lower.contains(s.toLowerCase(Locale.ROOT)))) {
                return "is not valid (the reason is not shown, as it would contain a secret)";
            }
        }
        return message;
    }

    /** {@code retry-backoff.max} → {@code max}; {@code watch.max-interval} → {@code maxInterval}. */
    private static String camelCase(String property) {
        String last = property.substring(property.lastIndexOf('.') + 1);
        StringBuilder camel = new StringBuilder(last.length());
        for (int i = 0; i < last.length(); i++) {
            char c = last.charAt(i);
            if (c == '-' && i + 1 < last.length()) {
                camel.append(Character.toUpperCase(last.charAt(++i)));
            } else {
                camel.append(c);
            }
        }
        return camel.toString();
    }
}
