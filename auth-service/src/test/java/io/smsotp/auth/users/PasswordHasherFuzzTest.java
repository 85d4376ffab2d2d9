package io.smsotp.auth.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PHC strings come from outside (a user's {@code passwordHash} in the config file, a row of the user
 * store): any text is either accepted with parameters cheap enough to check on every login, or
 * refused with the one documented exception, {@link IllegalArgumentException}, whose message never
 * holds the hash.
 */
class PasswordHasherFuzzTest {

    private static final Pattern PARAMS = Pattern.compile("^\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$");
    private static final String[] PREFIXES = {"$argon2id$v=19$", "$argon2i$v=19$", "$argon2id$v=16$", "$argon2d$v=19$"};

    private final PasswordHasher hasher = new PasswordHasher();

    @FuzzTest
    void verifiesOnlyWithBoundedWorkAndRefusesAnythingElseCleanly(FuzzedDataProvider data) {
        String phc = data.consumeBoolean() ? phcShaped(data) : data.consumeRemainingAsString();
        try {
            PasswordHasher.requireValid(phc);
        } catch (IllegalArgumentException refused) {
            String hashPart = phc.substring(phc.lastIndexOf('$') + 1);
            if (hashPart.length() >= 16) {
                assertThat(refused).hasMessageNotContaining(hashPart);
            }
            return;
        }
        Matcher m = PARAMS.matcher(phc);
        assertThat(m.find()).as("accepted: %s", phc).isTrue();
        long memoryKib = Long.parseLong(m.group(1));
        long iterations = Long.parseLong(m.group(2));
        assertThat(memoryKib).as("memory of one verification, KiB").isLessThanOrEqualTo(PasswordHasher.MAX_MEMORY_KIB);
        assertThat(memoryKib * iterations).as("KiB x passes of one verification")
                .isLessThanOrEqualTo(PasswordHasher.MAX_WORK_KIB);
        // accepted hashes are verified for real: this is what one login costs
        assertThat(hasher.verify("pw".toCharArray(), phc)).isFalse();
    }

    /** Mostly well-formed PHC strings, so the fuzzer reaches the parameter checks and the derivation. */
    private static String phcShaped(FuzzedDataProvider data) {
        String prefix = data.pickValue(PREFIXES);
        String params = "m=" + number(data) + ",t=" + number(data) + ",p=" + number(data);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        String salt = b64.encodeToString(data.consumeBytes(data.consumeInt(0, 70)));
        String hash = b64.encodeToString(data.consumeBytes(data.consumeInt(0, 100)));
        return prefix + params + "$" + salt + "$" + hash;
    }

    private static String number(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> Integer.toString(data.consumeInt(0, 99_999_999));
            case 1 -> Integer.toString(data.consumeInt(1, 64));
            case 2 -> Integer.toString(data.consumeInt(7168, 2_000_000));
            default -> data.consumeString(10);
        };
    }
}
