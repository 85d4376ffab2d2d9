package io.smsotp.auth.users;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import java.util.regex.Pattern;

/** The mobile claim: E.164 exactly, and a number libphonenumber calls possible (not necessarily valid, see PhoneNumbers). */
final class MobileNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    private MobileNumbers() {
    }

    /** {@code e164} unchanged, or an IllegalArgumentException that says why without echoing the number. */
    static String requireE164(String e164) {
        if (e164 == null || !E164.matcher(e164).matches()) {
            throw new IllegalArgumentException("mobile must be E.164: + then the country code and number, digits only");
        }
        try {
            var number = UTIL.parse(e164, "ZZ");
            if (!UTIL.isPossibleNumber(number) || !UTIL.format(number, PhoneNumberFormat.E164).equals(e164)) {
                throw new IllegalArgumentException("mobile is not a possible number for its country code");
            }
        } catch (NumberParseException e) {
            throw new IllegalArgumentException("mobile is not a phone number: " + e.getErrorType());
        }
        return e164;
    }
}
