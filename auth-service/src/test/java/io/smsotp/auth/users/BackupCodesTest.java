package io.smsotp.auth.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BackupCodesTest {

    @Test
    void parsesCommaSeparatedDigitsOfAnyLength() {
        assertThat(BackupCodes.parse("10300,21390")).containsExactly("10300", "21390");
        assertThat(BackupCodes.parse(" 1 ,  0042,123456789012 ")).containsExactly("1", "0042", "123456789012");
        assertThat(BackupCodes.parse("")).isEmpty();
    }

    @Test
    void refusesAnythingElseSayingWhereWithoutEchoing() {
        assertThatThrownBy(() -> BackupCodes.parse("10300;21390"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("code 1").hasMessageNotContaining("10300");
        assertThatThrownBy(() -> BackupCodes.parse("10300,-21390"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("code 2").hasMessageNotContaining("21390");
        assertThatThrownBy(() -> BackupCodes.parse("10300,"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("code 2 is empty");
        assertThatThrownBy(() -> BackupCodes.parse("１２３")) // full-width digits are not 0-9
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("digits");
        assertThatThrownBy(() -> BackupCodes.parse("1".repeat(65)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..64");
        assertThatThrownBy(() -> BackupCodes.parse("1,".repeat(1000) + "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1000");
    }

    @Test
    void macsDependOnTheKeyAndTheUser() {
        BackupCodes a = new BackupCodes(new byte[32]);
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        BackupCodes b = new BackupCodes(otherKey);

        assertThat(a.mac("alice", "10300")).isEqualTo(a.mac("alice", "10300")).hasSize(64)
                .isNotEqualTo(a.mac("bob", "10300")).isNotEqualTo(b.mac("alice", "10300")).doesNotContain("10300");
        assertThat(a.toString()).doesNotContain("AAAA");
    }
}
