package io.smsotp.auth.http;

/**
 * Escaping for HTML built from Java text blocks (the login pages, and the launcher's demo app and
 * SMS inbox). Every value that is not a constant of the code goes through {@link #text}: pages show
 * user names, application names, error descriptions and SMS texts that an attacker may have chosen.
 */
public final class Html {

    private Html() {
    }

    /** {@code value} safe inside element content and inside a double- or single-quoted attribute. */
    public static String text(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
