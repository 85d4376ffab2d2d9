package io.smsotp.stream.code;

import io.smsotp.events.OtpPolicy;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Makes one-time codes: {@code length} symbols, each drawn uniformly and independently from a
 * strong source, out of the decimal digits or, for alphanumeric codes,
 * {@link OtpPolicy#ALPHANUMERIC_ALPHABET} (31 symbols without look-alikes).
 */
public final class CodeGenerator {

    public static final String DIGITS = "0123456789";

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
        return next(length, false);
    }

    /** A code of exactly {@code length} symbols, digits or (when {@code alphanumeric}) the alphanumeric alphabet. */
    public String next(int length, boolean alphanumeric) {
        if (length < 1) {
            throw new IllegalArgumentException("length must be at least 1, was " + length);
        }
        String alphabet = alphabet(alphanumeric);
        char[] code = new char[length];
        for (int i = 0; i < length; i++) {
            // nextInt(bound) draws again when a draw falls in the tail that does not divide evenly
            // by bound (SecureRandom inherits Random's rejection loop): no modulo bias, even for 31
            code[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(code);
    }

    public static String alphabet(boolean alphanumeric) {
        return alphanumeric ? OtpPolicy.ALPHANUMERIC_ALPHABET : DIGITS;
    }
}
