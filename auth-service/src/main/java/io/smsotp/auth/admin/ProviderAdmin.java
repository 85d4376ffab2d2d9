package io.smsotp.auth.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.ProviderConfig;
import io.smsotp.dispatcher.provider.ProviderPresets;
import io.smsotp.config.live.ConfigEntry;
import io.smsotp.config.live.ConfigKind;
import io.smsotp.config.live.LiveConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The SMS providers of the live configuration: read, add, replace, remove, reorder. Bodies are
 * {@code providers[]} items of the config file, judged by its rules; answers mask header values
 * and credentials, and a masked value sent back keeps the current one.
 */
public final class ProviderAdmin {

    private static final ConfigKind KIND = ConfigKind.PROVIDER;

    private final LiveEntries entries;

    ProviderAdmin(LiveEntries entries) {
        this.entries = Objects.requireNonNull(entries, "entries");
    }

    /** Every provider in failover order, masked. */
    public List<JsonNode> list() {
        return entries.all(KIND).stream().map(e -> SecretMask.mask(KIND, e.body())).toList();
    }

    /** One provider, masked, with its version; 404 when there is none. */
    public Versioned get(String name) {
        return LiveEntries.shown(entries.entry(KIND, name));
    }

    /** The provider as the dispatcher would use it; 404 when there is none (or it does not bind). */
    public ProviderConfig config(String name) {
        entries.entry(KIND, name);
        return entries.now().provider(name).orElseThrow(() -> new ConfigWriteException(
                ConfigWriteException.Reason.NOT_FOUND, "provider '" + name + "' is stored but does not bind"));
    }

    /**
     * The provider a body describes, checked as the file would be and, for a preset, as the
     * dispatcher will expand it (a missing credential is a 400 here, not a failed send later).
     */
    private static ProviderConfig bind(ObjectNode tree) {
        ProviderConfig provider = ConfigLoader.bindPart(tree, ProviderConfig.class);
        try {
            ProviderPresets.expand(provider);
        } catch (IllegalArgumentException e) {
            throw new io.smsotp.config.ConfigException(e.getMessage());
        }
        return provider;
    }

    /** Adds a provider, last in the failover order; 409 when the name is taken. */
    public Versioned create(String actor, JsonNode body) {
        ObjectNode tree = AdminBodies.copy(body);
        // a new provider has nothing to keep: "***" would be taken as the value otherwise
        AdminBodies.keepMaskedValues(tree, null, "headers");
        AdminBodies.keepMaskedValues(tree, null, "credentials");
        ProviderConfig provider = bind(tree);
        LiveConfig after = entries.write(actor, List.of(new ConfigWriter.Change(KIND, provider.name(),
                provider.toTree(), null, ConfigWriter.ABSENT, "provider.create")));
        return LiveEntries.shown(after, KIND, provider.name());
    }

    /**
     * Replaces provider {@code name}, keeping its place in the order.
     *
     * @param ifMatch the version the caller read, or null for whatever it is now
     */
    public Versioned replace(String actor, String name, JsonNode body, Long ifMatch) {
        return LiveEntries.update(ifMatch, () -> {
            ConfigEntry current = entries.entry(KIND, name);
            ObjectNode tree = AdminBodies.copy(body);
            AdminBodies.requireId(tree, "name", name);
            AdminBodies.keepMaskedValues(tree, current.body(), "headers");
            AdminBodies.keepMaskedValues(tree, current.body(), "credentials");
            ProviderConfig provider = bind(tree);
            LiveConfig after = entries.write(actor, List.of(new ConfigWriter.Change(KIND, name, provider.toTree(),
                    null, LiveEntries.expect(ifMatch, current), "provider.replace")));
            return LiveEntries.shown(after, KIND, name);
        });
    }

    /** Removes provider {@code name}; 404 when there is none, 412 when {@code ifMatch} is not its version. */
    public void delete(String actor, String name, Long ifMatch) {
        entries.write(actor, List.of(new ConfigWriter.Change(KIND, name, null, null,
                ifMatch == null ? ConfigWriter.ANY : ifMatch, "provider.delete")));
    }

    /**
     * Puts the providers in the failover order {@code names}, which must name each provider once.
     *
     * @return every provider in the new order, masked
     */
    public List<JsonNode> reorder(String actor, List<String> names) {
        return LiveEntries.update(null, () -> {
            List<ConfigEntry> current = entries.all(KIND);
            Set<String> known = new HashSet<>();
            current.forEach(e -> known.add(e.id()));
            Set<String> given = new HashSet<>(names);
            if (given.size() != names.size() || !given.equals(known)) {
                throw AdminBodies.invalid("names: must name every provider once, in the new order; the providers are "
                        + current.stream().map(ConfigEntry::id).toList());
            }
            List<ConfigWriter.Change> changes = new ArrayList<>();
            for (int position = 0; position < names.size(); position++) {
                String name = names.get(position);
                ConfigEntry e = current.stream().filter(c -> c.id().equals(name)).findFirst().orElseThrow();
                if (e.position() != position) {
                    // the body as read and its version: a change made meanwhile is not overwritten
                    changes.add(new ConfigWriter.Change(KIND, name, e.body(), position, e.version(),
                            "provider.reorder"));
                }
            }
            if (!changes.isEmpty()) {
                entries.write(actor, changes);
            }
            return list();
        });
    }
}
