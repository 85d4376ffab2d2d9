package io.smsotp.stream.code;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** Makes one-time codes: {@code length} decimal digits, each drawn uniformly from a strong source. */
public final class CodeGenerator {

    private final RandomGenerator random;

    /** Codes from a fresh {@link SecureRandom}: a guessable code is a bypass of the second factor. */
    public CodeGenerator() {
        this(new SecureRandom());
    }

    /** For tests of the draw itself; production code uses {@link #CodeGenerator()}. */
    public CodeGenerator(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A code of exactly {@code length} digits; leading zeros are kept, so every code is equally likely. */
    public String next(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("length must be at least 1, was " + length);
        }
        char[] digits = new char[length];
        for (int i = 0; i < length; i++) {
            // nextInt(bound) rejects the biased tail itself: each digit is exactly uniform
            digits[i] = (char) ('0' + random.nextInt(10));
        }
        return new String(digits);
    }
}
