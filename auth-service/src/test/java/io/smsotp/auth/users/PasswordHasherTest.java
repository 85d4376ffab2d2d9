package io.smsotp.auth.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void verifiesOnlyTheRightPassword() {
        String phc = hasher.hash("correct horse".toCharArray());

        assertThat(hasher.verify("correct horse".toCharArray(), phc)).isTrue();
        assertThat(hasher.verify("correct horsf".toCharArray(), phc)).isFalse();
        assertThat(hasher.verify("".toCharArray(), phc)).isFalse();
    }

    @Test
    void hashesNonAsciiPasswordsAsUtf8() {
        String phc = hasher.hash("pässwörd €".toCharArray());
        assertThat(hasher.verify("pässwörd €".toCharArray(), phc)).isTrue();
        assertThat(hasher.verify("passwort €".toCharArray(), phc)).isFalse();
    }

    @Test
    void verifiesStrongerEquivalentSettingsTooAndUsesTheirParameters() {
        String phc = hasher.hash("pw".toCharArray());
        // same salt and hash under other parameters must not verify: the parameters are part of the hash
        String other = phc.replace("m=19456,t=2,p=1", "m=12288,t=3,p=1");
        assertThat(hasher.verify("pw".toCharArray(), other)).isFalse();
    }

    @Test
    void refusesMalformedWeakOrCostlyHashesWithoutEchoingThem() {
        String phc = hasher.hash("pw".toCharArray());
        String hashPart = phc.substring(phc.lastIndexOf('$') + 1);

        assertThatThrownBy(() -> PasswordHasher.requireValid("$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$" + hashPart))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("$argon2id$").hasMessageNotContaining(hashPart);
        assertThatThrownBy(() -> PasswordHasher.requireValid(phc.replace("m=19456,t=2", "m=19456,t=1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OWASP").hasMessageContaining("t=1");
        assertThatThrownBy(() -> PasswordHasher.requireValid(phc.replace("m=19456,t=2", "m=4194304,t=2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> PasswordHasher.requireValid(phc.replace("v=19", "v=16")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesHashesWhoseVerificationWouldTakeGigabytesOrSecondsOfWork() {
        String phc = hasher.hash("pw".toCharArray());

        // found by PasswordHasherFuzzTest: m=1048576 (1 GiB) ran a 512 MiB heap out of memory on one login
        for (String costly : new String[] {"m=1048576,t=16,p=16", "m=262144,t=2,p=1", "m=65537,t=1,p=1",
                "m=65536,t=4,p=1", "m=19456,t=11,p=1"}) {
            assertThatThrownBy(() -> PasswordHasher.requireValid(phc.replace("m=19456,t=2,p=1", costly)))
                    .as(costly).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        }
        // RFC 9106's second recommended setting is the most one check may cost
        String rfcSecond = phc.replace("m=19456,t=2,p=1", "m=65536,t=3,p=4");
        assertThat(hasher.verify("pw".toCharArray(), rfcSecond)).isFalse();
    }
}
