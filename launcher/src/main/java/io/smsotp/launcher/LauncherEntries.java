package io.smsotp.launcher;

import io.smsotp.auth.AuthService;
import io.smsotp.auth.admin.ConfigWriteException;
import io.smsotp.auth.admin.ConfigWriter;
import io.smsotp.config.AppConfig;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.live.ConfigEntry;
import io.smsotp.config.live.ConfigKind;
import io.smsotp.config.live.LiveConfig;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entries the launcher makes for itself (the fake gateway as provider, the demo apps) name
 * this run's ports, which a restart may change: once the live configuration holds them, they are
 * brought up to date at each start. An entry an admin deleted stays deleted; one an admin changed
 * gets only the launcher's URLs back.
 */
final class LauncherEntries {

    private static final Logger LOG = LoggerFactory.getLogger(LauncherEntries.class);

    private LauncherEntries() {
    }

    static void keepCurrent(AuthService auth, List<ProviderConfig> providers, List<AppConfig> apps) {
        ConfigWriter writer = auth.configWriter();
        if (writer == null || providers.isEmpty() && apps.isEmpty()) {
            return;
        }
        LiveConfig live = auth.liveConfig();
        List<ConfigWriter.Change> changes = new ArrayList<>();
        for (ProviderConfig p : providers) {
            live.provider(p.name()).filter(now -> !now.url().equals(p.url())).ifPresent(now -> {
                ConfigEntry entry = live.entry(ConfigKind.PROVIDER, p.name()).orElseThrow();
                var body = now.toTree().put("url", p.url());
                changes.add(new ConfigWriter.Change(ConfigKind.PROVIDER, p.name(), body, null, entry.version(),
                        "provider.launcherPort"));
            });
        }
        for (AppConfig a : apps) {
            live.app(a.id()).filter(now -> !now.redirectUris().equals(a.redirectUris())).ifPresent(now -> {
                ConfigEntry entry = live.entry(ConfigKind.APP, a.id()).orElseThrow();
                var body = (com.fasterxml.jackson.databind.node.ObjectNode) entry.body().deepCopy();
                body.set("redirectUris", ConfigLoader.treeOf(a.redirectUris()));
                changes.add(new ConfigWriter.Change(ConfigKind.APP, a.id(), body, null, entry.version(),
                        "app.launcherPort"));
            });
        }
        if (changes.isEmpty()) {
            return;
        }
        try {
            writer.write("launcher", changes);
            LOG.info("brought {} launcher-made entries up to this run's ports", changes.size());
        } catch (ConfigWriteException e) {
            LOG.warn("could not bring the launcher-made entries up to this run's ports: {}", e.getMessage());
        }
    }
}
