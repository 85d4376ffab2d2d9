package io.smsotp.auth.users;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Backup codes: parsed from their comma-separated form and stored as HMAC-SHA256 under a key kept
 * outside the database.
 *
 * <p>Why a keyed MAC and not Argon2id: a backup code of a few digits has so little entropy that
 * no salted hash, however slow, survives an offline guess once the database leaks (10^5 guesses
 * at 50 ms is under two hours); only a secret the database does not hold protects it. A MAC is
 * also deterministic, so using a code is one {@code DELETE ... WHERE code_mac = ?} whose row
 * count decides atomically, and checking a code costs microseconds instead of one Argon2id run
 * per stored code, which would hand an attacker a cheap way to burn CPU. Online guessing is
 * bounded by the login's attempt limit, as for SMS codes.
 */
public final class BackupCodes {

    /** More codes than anyone prints on a sheet; bounds the work one call can ask for. */
    static final int MAX_CODES = 1000;
    static final int MAX_DIGITS = 64;

    private final SecretKeySpec key;

    BackupCodes(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the backup code key must hold at least 32 bytes");
        }
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /**
     * The codes in {@code text} ({@code "10300, 21390"}); an IllegalArgumentException says what is
     * wrong without echoing any code. An empty text means no codes.
     */
    public static List<String> parse(String text) {
        Objects.requireNonNull(text, "codes");
        if (text.isBlank()) {
            return List.of();
        }
        String[] parts = text.split(",", -1);
        if (parts.length > MAX_CODES) {
            throw new IllegalArgumentException("backup codes: at most " + MAX_CODES + " codes, were " + parts.length);
        }
        Set<String> codes = new LinkedHashSet<>();
        for (int i = 0; i < parts.length; i++) {
            String code = parts[i].strip();
            if (code.isEmpty()) {
                throw new IllegalArgumentException("backup codes: code " + (i + 1) + " is empty (two commas in a row, or one at an end)");
            }
            if (code.length() > MAX_DIGITS || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("backup codes: code " + (i + 1) + " must be 1.." + MAX_DIGITS
                        + " digits 0-9 (codes are separated by commas)");
            }
            if (!codes.add(code)) {
                throw new IllegalArgumentException("backup codes: code " + (i + 1) + " repeats an earlier code");
            }
        }
        return List.copyOf(codes);
    }

    /**
     * {@code count} different codes of {@code digits} digits each (leading zeros kept), drawn from
     * {@code random}: 8 digits make a guess 1 in 10^8, and guessing is bounded by the login's lock.
     */
    static List<String> generate(SecureRandom random, int count, int digits) {
        if (count < 1 || count > MAX_CODES || digits < 1 || digits > 18) {
            throw new IllegalArgumentException("1.." + MAX_CODES + " codes of 1..18 digits");
        }
        long bound = 1;
        for (int i = 0; i < digits; i++) {
            bound *= 10;
        }
        Set<String> codes = new LinkedHashSet<>();
        while (codes.size() < count) {
            codes.add(String.format(Locale.ROOT, "%0" + digits + "d", random.nextLong(bound)));
        }
        return List.copyOf(codes);
    }

    /** The MAC of one code, bound to the user so the same code of two users gives two values. */
    String mac(String usernameKey, String code) {
        return hex(usernameKey + "\u0000code\u0000" + code);
    }

    /** A MAC of the whole list, order aside: tells whether the config's list changed since the last import. */
    String macOfList(String usernameKey, List<String> codes) {
        return hex(usernameKey + "\u0000list\u0000" + String.join(",", new TreeSet<>(codes)));
    }

    /** A value that shows whether a key is the one the database was set up with, without revealing it. */
    String keyCheck() {
        return hex("smsotp user store key check");
    }

    private String hex(String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(input.getBytes(StandardCharsets.UTF_8))).toLowerCase(Locale.ROOT);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static List<String> macs(BackupCodes codes, String usernameKey, List<String> plain) {
        List<String> out = new ArrayList<>(plain.size());
        for (String c : plain) {
            out.add(codes.mac(usernameKey, c));
        }
        return out;
    }

    @Override
    public String toString() {
        return "BackupCodes[key=***]";
    }
}
