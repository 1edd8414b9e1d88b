package dev.dbbrain.reactive.internal;

import java.time.Duration;

/** Argument checks whose messages name the argument. */
public final class Validation {

    private Validation() {
    }

    /** Returns the value if it has visible text; otherwise throws naming the argument. */
    public static String requireText(String value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    /** Returns the value if it has visible text and no whitespace or control characters (it goes into a header). */
    public static String requireToken(String value, String name) {
        requireText(value, name);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException(name + " must not contain whitespace or control characters");
            }
        }
        return value;
    }

    public static Duration requirePositive(Duration value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }

    public static double requirePositiveRate(double value, String name) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be positive and finite, was " + value);
        }
        return value;
    }

    public static int requireAtLeastOne(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, was " + value);
        }
        return value;
    }
}
