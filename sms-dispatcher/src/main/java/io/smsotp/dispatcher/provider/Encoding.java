package io.smsotp.dispatcher.provider;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** How a placeholder's value is written where it stands, so that no value can change the request's structure. */
enum Encoding {

    /** RFC 3986: unreserved characters kept, every other UTF-8 byte as %XX; no value can add a parameter. */
    URL {
        @Override
        String encode(String value, String where, Placeholder p) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            StringBuilder out = new StringBuilder(bytes.length * 3);
            for (byte b : bytes) {
                int c = b & 0xFF;
                if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                        || c == '-' || c == '.' || c == '_' || c == '~') {
                    out.append((char) c);
                } else {
                    out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
                }
            }
            return out.toString();
        }
    },

    /** The body of a JSON string: quotes, backslashes and control characters escaped. */
    JSON_STRING {
        @Override
        String encode(String value, String where, Placeholder p) {
            StringBuilder out = new StringBuilder(value.length() + 16);
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> {
                        if (c < 0x20 || c == 0x7F || c == '\u2028' || c == '\u2029') {
                            // U+2028/9 are valid JSON but end a line in JavaScript: some providers eval
                            unicodeEscape(out, c);
                        } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                                && Character.isLowSurrogate(value.charAt(i + 1))) {
                            out.append(c).append(value.charAt(++i));
                        } else if (Character.isSurrogate(c)) {
                            // a lone surrogate has no UTF-8 form; escaped, it at least stays valid JSON
                            unicodeEscape(out, c);
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            return out.toString();
        }
    },

    /** application/x-www-form-urlencoded, as browsers and URLEncoder write it (space as '+'). */
    FORM {
        @Override
        String encode(String value, String where, Placeholder p) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
    },

    /** A body of another content type: the value as written. */
    RAW {
        @Override
        String encode(String value, String where, Placeholder p) {
            return value;
        }
    },

    /**
     * A header value: written as is, but refused when it holds a control character (CR or LF would
     * start a new header) or a non-ASCII one (HTTP/1.1 header values are ASCII; anything else is
     * mangled or refused by the client).
     */
    HEADER {
        @Override
        String encode(String value, String where, Placeholder p) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (Character.isISOControl(c)) {
                    throw new RenderException(where + ": the " + p.field + " for " + p.token
                            + " holds a control character (CR, LF or other), refused so that it cannot inject a header");
                }
                if (c > 0x7E) {
                    throw new RenderException(where + ": the " + p.field + " for " + p.token
                            + " holds a non-ASCII character; header values carry ASCII only");
                }
            }
            return value;
        }
    };

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * The value as it must be written at this place.
     *
     * @param where names the place for an error message (never the value)
     */
    abstract String encode(String value, String where, Placeholder p);

    private static void unicodeEscape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF])
                .append(HEX[c & 0xF]);
    }
}
