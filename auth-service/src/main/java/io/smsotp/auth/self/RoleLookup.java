package io.smsotp.auth.self;

import java.util.Set;

/**
 * A user's roles ({@code admin} opens the console), read at sign-in and again on every request,
 * so that a role taken away closes the area at once.
 */
@FunctionalInterface
public interface RoleLookup {

    /** No user has any role: until the user store keeps roles, nobody signs in to the console. */
    RoleLookup NONE = username -> Set.of();

    /** The roles of {@code username}; empty for an unknown user. */
    Set<String> roles(String username);
}
