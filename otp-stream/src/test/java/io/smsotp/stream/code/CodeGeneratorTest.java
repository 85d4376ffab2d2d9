package io.smsotp.stream.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CodeGeneratorTest {

    private final CodeGenerator generator = new CodeGenerator();

    @Test
    void codesAreDigitsOnlyOfTheAskedLength() {
        for (int length = 4; length <= 10; length++) {
            for (int i = 0; i < 200; i++) {
                assertThat(generator.next(length)).hasSize(length).matches("[0-9]+");
            }
        }
    }

    @Test
    void digitsAreRoughlyUniformOverManyDraws() {
        int draws = 20_000;
        int length = 6;
        long[] counts = new long[10];
        for (int i = 0; i < draws; i++) {
            for (char c : generator.next(length).toCharArray()) {
                counts[c - '0']++;
            }
        }
        double expected = draws * length / 10.0;
        double chiSquare = 0;
        for (long count : counts) {
            chiSquare += (count - expected) * (count - expected) / expected;
        }
        // 9 degrees of freedom: a fair source exceeds 37.7 about once in 100,000 runs
        assertThat(chiSquare).as("chi-square of digit counts %s", java.util.Arrays.toString(counts))
                .isLessThan(37.7);
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
    }
}
