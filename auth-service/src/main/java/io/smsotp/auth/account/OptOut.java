package io.smsotp.auth.account;

import io.smsotp.auth.self.BuiltInClients;
import io.smsotp.config.AppConfig;
import io.smsotp.config.live.LiveConfig;
import java.util.List;

/**
 * What turning SMS codes off would do, by the applications configured now (as the login decides
 * it, in {@code SecondStep}): where the user then signs in with the password alone, and where the
 * sign-in is refused instead. smsotp's own clients never skip the code.
 *
 * @param allowed whether any application lets users turn codes off ({@code allowUserDisable})
 * @param skipped names of the applications that then take the password alone
 * @param refused names of the applications that then refuse the sign-in ({@code smsOtpMandatory})
 */
record OptOut(boolean allowed, List<String> skipped, List<String> refused) {

    static OptOut of(LiveConfig live) {
        List<AppConfig> logins = live.apps().values().stream()
                .filter(a -> !a.redirectUris().isEmpty() && a.smsOtpStep() && !BuiltInClients.isReserved(a.id()))
                .toList();
        return new OptOut(logins.stream().anyMatch(AppConfig::allowUserDisable),
                logins.stream().filter(a -> a.allowUserDisable() && !a.smsOtpMandatory()).map(AppConfig::name).toList(),
                logins.stream().filter(AppConfig::smsOtpMandatory).map(AppConfig::name).toList());
    }
}
