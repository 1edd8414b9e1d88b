package dev.dbbrain.reactive.testing;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Random values for one try of a property, all drawn from one seed so that the try can be replayed. Sizes and
 * numbers lean towards their edges (empty, the maximum, 0, ±1, the extremes of {@code long}) a little more often
 * than chance would, where bugs live.
 */
public final class Gen {

    /** How often in 100 a size or number is one of its edge values. */
    private static final int EDGE_PERCENT = 10;
    private static final long[] EDGE_LONGS = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE,
        Integer.MIN_VALUE, 1L << 53, (1L << 53) + 1};

    private final SplittableRandom random;

    Gen(long seed) {
        this.random = new SplittableRandom(seed);
    }

    private boolean edge() {
        return random.nextInt(100) < EDGE_PERCENT;
    }

    /** An int from {@code min} to {@code max}, both included. */
    public int between(int min, int max) {
        if (edge()) {
            return random.nextBoolean() ? min : max;
        }
        return (int) random.nextLong(min, (long) max + 1);
    }

    /** A size from 0 to {@code max}, both included. */
    public int size(int max) {
        return between(0, max);
    }

    /** A size from {@code min} to {@code max}, both included. */
    public int size(int min, int max) {
        return between(min, max);
    }

    public boolean bool() {
        return random.nextBoolean();
    }

    public byte anyByte() {
        return (byte) random.nextInt(256);
    }

    public long anyLong() {
        return edge() ? EDGE_LONGS[random.nextInt(EDGE_LONGS.length)] : random.nextLong();
    }

    /** A finite double: small decimals, whole numbers, or any bit pattern that is finite. */
    public double anyDouble() {
        switch (random.nextInt(4)) {
            case 0:
                return edge() ? 0.0 : random.nextDouble(-1000, 1000);
            case 1:
                return random.nextInt(-1_000_000, 1_000_000);
            default:
                double d;
                do {
                    d = Double.longBitsToDouble(random.nextLong());
                } while (!Double.isFinite(d));
                return d;
        }
    }

    /** An integer from {@code min} to {@code max}, both included. */
    public BigInteger bigInteger(BigInteger min, BigInteger max) {
        BigInteger range = max.subtract(min).add(BigInteger.ONE);
        BigInteger offset;
        do {
            offset = new BigInteger(range.bitLength(), new java.util.Random(random.nextLong()));
        } while (offset.compareTo(range) >= 0);
        return min.add(offset);
    }

    /** Up to {@code maxSize} random bytes. */
    public byte[] bytes(int maxSize) {
        byte[] bytes = new byte[size(maxSize)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = anyByte();
        }
        return bytes;
    }

    /** A string of {@code minLength} to {@code maxLength} characters taken from {@code chars}. */
    public String string(String chars, int minLength, int maxLength) {
        int length = size(minLength, maxLength);
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(chars.charAt(random.nextInt(chars.length())));
        }
        return b.toString();
    }

    /** A string of any characters outside the surrogate range, control characters included. */
    public String text(int minLength, int maxLength) {
        int length = size(minLength, maxLength);
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            // U+0000..U+D7FF and U+E000..U+FFFD: 55,296 + 8,190 code units.
            int c = random.nextInt(0xd800 + 0x1ffe);
            b.append((char) (c < 0xd800 ? c : c - 0xd800 + 0xe000));
        }
        return b.toString();
    }

    /** One of {@code values}. */
    public <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** One of {@code values}. */
    @SafeVarargs
    public final <T> T pick(T... values) {
        return values[random.nextInt(values.length)];
    }

    /** The value of one of {@code generators}, chosen at random. */
    @SafeVarargs
    public final <T> T oneOf(Function<Gen, ? extends T>... generators) {
        return generators[random.nextInt(generators.length)].apply(this);
    }

    /** A list of {@code minSize} to {@code maxSize} values of {@code element}. */
    public <T> List<T> list(int minSize, int maxSize, Function<Gen, ? extends T> element) {
        int size = size(minSize, maxSize);
        List<T> values = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            values.add(element.apply(this));
        }
        return values;
    }
}
