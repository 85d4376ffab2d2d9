package io.smsotp.testsupport;

import java.util.ArrayList;
import java.util.List;

/** Forgeries of a secret that differ from it only in the case of one letter, for tests of exact comparison. */
public final class CaseChanges {

    private CaseChanges() {
    }

    /** {@code value} once for each of its letters, with that letter's case changed; empty without letters. */
    public static List<String> oneLetterEach(String value) {
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isLetter(c)) {
                char other = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
                changed.add(value.substring(0, i) + other + value.substring(i + 1));
            }
        }
        return changed;
    }
}
