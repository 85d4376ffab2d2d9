package io.smsotp.auth.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * An {@code If-Match} precondition (RFC 9110 13.1.1): {@code *} or a list of entity tags, compared
 * strongly, so a weak tag ({@code W/"..."}) never matches. A bare token is taken as the tag it
 * names, for clients that leave the quotes out.
 *
 * @param any {@code *}: whatever version the resource has now
 * @param versions the tags given, without their quotes
 */
public record IfMatch(boolean any, List<String> versions) implements Predicate<String> {

    public IfMatch {
        versions = List.copyOf(versions);
    }

    /** The precondition of {@code header}, or null when there is none. */
    public static IfMatch parse(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        if (header.strip().equals("*")) {
            return new IfMatch(true, List.of());
        }
        List<String> versions = new ArrayList<>();
        for (String part : header.split(",")) {
            String tag = part.strip();
            if (tag.startsWith("W/")) {
                // a weak tag says "semantically equal", too little for a write
                continue;
            }
            if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
                tag = tag.substring(1, tag.length() - 1);
            }
            if (!tag.isEmpty()) {
                versions.add(tag);
            }
        }
        return new IfMatch(false, versions);
    }

    /** The precondition that the resource is at {@code version} (the console's hidden field). */
    public static IfMatch of(String version) {
        return new IfMatch(false, List.of(Objects.requireNonNull(version, "version")));
    }

    /** The {@code ETag} header value of {@code version}: a strong tag. */
    public static String etag(String version) {
        return "\"" + version + "\"";
    }

    /** Whether a resource now at {@code version} meets the precondition. */
    @Override
    public boolean test(String version) {
        return any || versions.contains(version);
    }
}
