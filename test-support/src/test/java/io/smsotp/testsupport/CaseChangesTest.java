package io.smsotp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CaseChangesTest {

    @Test
    void eachLetterInTurnTakesTheOtherCaseAndNothingElseChanges() {
        assertThat(CaseChanges.oneLetterEach("aB-1c")).containsExactly("AB-1c", "ab-1c", "aB-1C");
        assertThat(CaseChanges.oneLetterEach("0123-_")).isEmpty();
    }
}
