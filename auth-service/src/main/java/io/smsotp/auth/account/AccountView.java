package io.smsotp.auth.account;

import io.javalin.http.Context;
import io.smsotp.auth.challenge.PhoneNumbers;
import io.smsotp.auth.self.SelfPageException;
import io.smsotp.auth.self.SelfPages;
import io.smsotp.auth.self.SelfSignIn;
import io.smsotp.auth.users.SignIns;
import io.smsotp.auth.users.User;
import io.smsotp.auth.users.UserStore;
import io.smsotp.config.AppConfig;
import io.smsotp.config.live.LiveConfig;
import java.util.Objects;
import java.util.function.Supplier;

/** The account page of the signed-in user, as it stands now; shown by every route that ends on it. */
final class AccountView {

    static final int SIGN_INS_SHOWN = 10;

    private final SelfSignIn signIn;
    private final UserStore users;
    private final SignIns signIns;
    private final Supplier<LiveConfig> live;

    AccountView(SelfSignIn signIn, UserStore users, SignIns signIns, Supplier<LiveConfig> live) {
        this.signIn = Objects.requireNonNull(signIn, "signIn");
        this.users = Objects.requireNonNull(users, "users");
        this.signIns = Objects.requireNonNull(signIns, "signIns");
        this.live = Objects.requireNonNull(live, "live");
    }

    /** The signed-in user's profile; a page saying so when the account was deleted meanwhile. */
    User user(Context ctx) {
        String username = SelfSignIn.session(ctx).username();
        return users.find(username).orElseThrow(() -> new SelfPageException(404, "No such account",
                "This account no longer exists.", null, null));
    }

    /** The account page with {@code notice} (may be null); {@code entered} is kept in the number field. */
    void show(Context ctx, int status, SelfPages.Notice notice, String entered) {
        User user = user(ctx);
        LiveConfig now = live.get();
        var rows = signIns.recent(user.username(), SIGN_INS_SHOWN).stream()
                .map(s -> new AccountPages.SignInRow(s.at(), now.app(s.appId()).map(AppConfig::name).orElse(s.appId()),
                        s.clientIp()))
                .toList();
        AccountPages.Account account = new AccountPages.Account(
                user.mobile() == null ? null : PhoneNumbers.mask(user.mobile()), user.disableSmsOtp(),
                OptOut.of(now), user.backupCodesLeft(), rows, entered);
        ctx.status(status).html(AccountPages.account(signIn.viewer(ctx), account, notice));
    }
}
