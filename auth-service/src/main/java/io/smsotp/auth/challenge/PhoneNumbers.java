package io.smsotp.auth.challenge;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.ValidationResult;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.smsotp.auth.http.ApiException;
import java.util.regex.Pattern;

/**
 * Recipient numbers: checked and normalised to E.164 with libphonenumber, masked on the way out.
 *
 * <p>A number must be <em>possible</em> (right length for its country), not <em>valid</em>:
 * {@code isValidNumber} also checks number ranges, which rejects the fictional 555 numbers used
 * in examples and tests (+15551234567) and lags behind newly allocated ranges; the SMS provider
 * is the judge of whether a number exists.
 */
public final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    /**
     * International format only, in the usual punctuation: no letters (vanity numbers), no
     * extensions, no {@code tel:} URIs. Bounded, so libphonenumber never sees a long input.
     */
    private static final Pattern SHAPE = Pattern.compile("\\+[0-9 ()./-]{1,40}");

    private PhoneNumbers() {
    }

    /** A number as the API took it: E.164, and its country calling code from the same parse. */
    public record Parsed(String e164, int countryCode) {
    }

    /** {@code to} in E.164, or a 400 that says why (never echoing the number). */
    public static String toE164(String to) {
        return parse(to).e164();
    }

    /** As {@link #toE164}, with the country calling code too, so that a create parses its number once. */
    public static Parsed parse(String to) {
        String trimmed = to.strip();
        if (!trimmed.startsWith("+")) {
            throw invalid("'to' must be an international number starting with + and the country code");
        }
        if (!SHAPE.matcher(trimmed).matches()) {
            throw invalid("'to' may hold only +, digits, spaces and ( ) . / -");
        }
        PhoneNumber number;
        try {
            // region ZZ: no default country, so a number without its country code cannot parse
            number = UTIL.parse(trimmed, "ZZ");
        } catch (NumberParseException e) {
            throw invalid("'to' is not a phone number: " + e.getErrorType().name().toLowerCase(java.util.Locale.ROOT));
        }
        // IS_POSSIBLE_LOCAL_ONLY is left out: such a number needs an area code an SMS cannot guess
        ValidationResult possible = UTIL.isPossibleNumberWithReason(number);
        if (possible != ValidationResult.IS_POSSIBLE) {
            throw invalid("'to' is not a possible number: " + possible.name().toLowerCase(java.util.Locale.ROOT));
        }
        return new Parsed(UTIL.format(number, PhoneNumberFormat.E164), number.getCountryCode());
    }

    /** An E.164 number with only its last 4 digits visible: {@code +15551234567} → {@code +*******4567}. */
    public static String mask(String e164) {
        StringBuilder sb = new StringBuilder(e164.length());
        int digitsSeen = 0;
        int digits = (int) e164.chars().filter(Character::isDigit).count();
        for (char c : e164.toCharArray()) {
            if (Character.isDigit(c)) {
                digitsSeen++;
                sb.append(digitsSeen > digits - 4 ? c : '*');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The country calling code of an E.164 number, e.g. 44 for {@code +447700900123}. */
    public static int countryCode(String e164) {
        try {
            return UTIL.parse(e164, "ZZ").getCountryCode();
        } catch (NumberParseException e) {
            throw new IllegalArgumentException("not an E.164 number", e);
        }
    }

    /** A 400 ({@code country_not_allowed}) when {@code app} does not send codes to numbers of this country. */
    public static void requireAllowed(Parsed number, io.smsotp.config.AppConfig app) {
        int cc = number.countryCode();
        if (!app.allowsCountry(cc)) {
            throw ApiException.badRequest("country_not_allowed", "this application does not send codes to numbers"
                    + " with country calling code +" + cc);
        }
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest("invalid_number", message);
    }
}
