package io.smsotp.auth.login;

/**
 * Escaping for the login pages, which are built from Java text blocks. Every value that is not a
 * constant of this code goes through {@link #text}: the pages show user names, application names
 * and error descriptions that an attacker may have chosen.
 */
final class Html {

    private Html() {
    }

    /** {@code value} safe inside element content and inside a double- or single-quoted attribute. */
    static String text(String value) {
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
