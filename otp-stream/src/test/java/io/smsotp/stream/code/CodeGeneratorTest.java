package io.smsotp.stream.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smsotp.events.OtpPolicy;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class CodeGeneratorTest {

    /** 9 degrees of freedom: a fair source exceeds 37.7 about once in 50,000 runs. */
    private static final double DIGITS_CRITICAL = 37.7;
    /** 30 degrees of freedom: a fair source exceeds 82.0 about once in a million runs. */
    private static final double ALPHANUMERIC_CRITICAL = 82.0;

    private final CodeGenerator generator = new CodeGenerator();

    @Test
    void codesAreDigitsOnlyOfTheAskedLength() {
        for (int length = 4; length <= 10; length++) {
            for (int i = 0; i < 200; i++) {
                assertThat(generator.next(length)).hasSize(length).matches("[0-9]+");
                assertThat(generator.next(length, false)).hasSize(length).matches("[0-9]+");
            }
        }
    }

    @Test
    void alphanumericCodesUseOnlyTheAlphabetWithoutLookAlikesAtTheAskedLength() {
        Set<Character> used = new HashSet<>();
        for (int length = 4; length <= 10; length++) {
            for (int i = 0; i < 500; i++) {
                String code = generator.next(length, true);
                assertThat(code).hasSize(length).matches("[23456789ABCDEFGHJKMNPQRSTUVWXYZ]+");
                code.chars().forEach(c -> used.add((char) c));
            }
        }
        // every symbol turns up, and none of 0, 1, I, L, O, or a lower-case letter, ever does
        assertThat(used).hasSize(OtpPolicy.ALPHANUMERIC_ALPHABET.length());
        assertThat(OtpPolicy.ALPHANUMERIC_ALPHABET).doesNotContain("0", "1", "I", "L", "O");
    }

    @Test
    void digitsAreUniformOverManyDraws() {
        long[] counts = counts(generator, false, 20_000, 6);

        assertThat(chiSquare(counts)).as("chi-square of digit counts %s", Arrays.toString(counts))
                .isLessThan(DIGITS_CRITICAL);
    }

    @Test
    void alphanumericSymbolsAreUniformOverManyDrawsAtEveryPosition() {
        int draws = 20_000;
        int length = 8;
        long[][] byPosition = new long[length][OtpPolicy.ALPHANUMERIC_ALPHABET.length()];
        long[] all = new long[OtpPolicy.ALPHANUMERIC_ALPHABET.length()];
        for (int i = 0; i < draws; i++) {
            String code = generator.next(length, true);
            for (int p = 0; p < length; p++) {
                int symbol = OtpPolicy.ALPHANUMERIC_ALPHABET.indexOf(code.charAt(p));
                byPosition[p][symbol]++;
                all[symbol]++;
            }
        }

        assertThat(chiSquare(all)).as("chi-square of symbol counts %s", Arrays.toString(all))
                .isLessThan(ALPHANUMERIC_CRITICAL);
        for (int p = 0; p < length; p++) {
            assertThat(chiSquare(byPosition[p])).as("chi-square at position %d", p).isLessThan(ALPHANUMERIC_CRITICAL);
        }
    }

    /**
     * The tests above can fail: a generator that reduces a random byte modulo the alphabet's size
     * (256 = 8 × 31 + 8, so 8 symbols come 9/8 as often as the rest) is caught by the same
     * statistic over the same number of draws; so is one that reduces 4 random bits modulo 10.
     */
    @Test
    void theSameStatisticCatchesAModuloBiasedGenerator() {
        CodeGenerator byteModulo = new CodeGenerator(biased(0xFF));
        CodeGenerator nibbleModulo = new CodeGenerator(biased(0xF));

        assertThat(chiSquare(counts(byteModulo, true, 20_000, 8))).isGreaterThan(ALPHANUMERIC_CRITICAL);
        assertThat(chiSquare(counts(nibbleModulo, false, 20_000, 6))).isGreaterThan(DIGITS_CRITICAL);
    }

    @Test
    void leadingZerosAreKeptAndCodesVary() {
        Set<String> seen = new HashSet<>();
        boolean leadingZero = false;
        for (int i = 0; i < 2_000; i++) {
            String code = generator.next(4);
            seen.add(code);
            leadingZero |= code.startsWith("0");
        }
        assertThat(leadingZero).isTrue();
        assertThat(seen).hasSizeGreaterThan(1_500);
    }

    @Test
    void refusesANonPositiveLength() {
        assertThatThrownBy(() -> generator.next(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> generator.next(0, true)).isInstanceOf(IllegalArgumentException.class);
    }

    private static long[] counts(CodeGenerator g, boolean alphanumeric, int draws, int length) {
        String alphabet = CodeGenerator.alphabet(alphanumeric);
        long[] counts = new long[alphabet.length()];
        for (int i = 0; i < draws; i++) {
            for (char c : g.next(length, alphanumeric).toCharArray()) {
                counts[alphabet.indexOf(c)]++;
            }
        }
        return counts;
    }

    private static double chiSquare(long[] counts) {
        double total = Arrays.stream(counts).sum();
        double expected = total / counts.length;
        double chi = 0;
        for (long count : counts) {
            chi += (count - expected) * (count - expected) / expected;
        }
        return chi;
    }

    /** A source whose nextInt(bound) is the classic mistake: random bits {@code & mask}, then {@code % bound}. */
    private static RandomGenerator biased(int mask) {
        Random bits = new Random(42);
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return bits.nextLong();
            }

            @Override
            public int nextInt(int bound) {
                return (bits.nextInt() & mask) % bound;
            }
        };
    }
}
