package io.smsotp.auth.account;

import static io.smsotp.auth.http.Html.text;

import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.self.SelfPages;
import io.smsotp.auth.self.SelfPages.Notice;
import io.smsotp.auth.self.SelfPages.Viewer;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The account page and the pages of its forms, as HTML. Every form carries the session's CSRF token. */
final class AccountPages {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** One row of the recent sign-ins: the application's name as configured now. */
    record SignInRow(java.time.Instant at, String appName, String clientIp) {
    }

    /** What the account page shows. */
    record Account(String maskedMobile, boolean smsOtpOff, OptOut optOut, int backupCodesLeft,
                   List<SignInRow> signIns, String enteredMobile) {
    }

    private AccountPages() {
    }

    static String account(Viewer viewer, Account a, Notice notice) {
        return SelfPages.page("Your account", viewer, notice, mobile(viewer, a) + smsCodes(viewer, a)
                + backupCodes(viewer, a) + signIns(a));
    }

    private static String mobile(Viewer viewer, Account a) {
        String number = a.maskedMobile() == null ? "<p id=\"mobile\">No mobile number is on your profile.</p>"
                : "<p>Codes go to <span class=\"number\" id=\"mobile\">" + text(a.maskedMobile()) + "</span>.</p>";
        return """
                <section id="mobile-section">
                <h2>Mobile number</h2>
                %s
                <form method="post" action="%s" id="mobile-form">
                  %s
                  <label for="new-mobile">New mobile number</label>
                  <input type="tel" id="new-mobile" name="mobile" value="%s" placeholder="+44 7700 900123" autocomplete="tel" required>
                  <p class="hint">In international format: + and the country code first. We send a code to the new
                  number, and change it once you have entered that code; your current number gets a message.</p>
                  <div class="actions"><button type="submit" class="primary" id="send-code">Send code</button></div>
                </form>
                </section>
                """.formatted(number, ApiPaths.ACCOUNT_MOBILE, SelfPages.csrfField(viewer.csrf()),
                text(a.enteredMobile()));
    }

    private static String smsCodes(Viewer viewer, Account a) {
        OptOut o = a.optOut();
        String state;
        String form;
        if (a.smsOtpOff()) {
            state = "<p id=\"sms-state\">SMS codes are <strong>off</strong>: applications that allow it sign you "
                    + "in with your password alone.</p>";
            form = smsForm(viewer, false, "Turn SMS codes back on", "sms-on");
        } else if (o.allowed()) {
            state = "<p id=\"sms-state\">SMS codes are <strong>on</strong>: every sign-in asks for a code sent to "
                    + "your phone.</p><p class=\"hint\" id=\"opt-out-effect\">Turned off, "
                    + (o.skipped().isEmpty() ? "no application" : text(String.join(", ", o.skipped())))
                    + " would sign you in with your password alone"
                    + (o.refused().isEmpty() ? "" : "; " + text(String.join(", ", o.refused()))
                            + " would refuse your sign-in instead")
                    + ". Every other application, and this page, still asks for a code.</p>";
            form = smsForm(viewer, true, "Turn SMS codes off", "sms-off");
        } else {
            state = "<p id=\"sms-state\">SMS codes are <strong>on</strong>. No application lets users sign in "
                    + "without them, so they cannot be turned off.</p>";
            form = "";
        }
        return "<section id=\"sms-section\"><h2>SMS codes</h2>" + state + form + "</section>\n";
    }

    private static String smsForm(Viewer viewer, boolean disable, String label, String id) {
        return "<form method=\"post\" action=\"" + ApiPaths.ACCOUNT_SMS_OTP + "\" id=\"sms-form\">"
                + SelfPages.csrfField(viewer.csrf()) + "<input type=\"hidden\" name=\"disable\" value=\"" + disable
                + "\"><div class=\"actions\"><button type=\"submit\" id=\"" + id + "\">" + text(label)
                + "</button></div></form>";
    }

    private static String backupCodes(Viewer viewer, Account a) {
        return """
                <section id="backup-section">
                <h2>Backup codes</h2>
                <p id="backup-left">You have %d unused backup %s. One works in place of an SMS code when your phone is not at hand.</p>
                <form method="post" action="%s" id="backup-form">
                  %s
                  <div class="actions"><button type="submit" id="generate-codes">Generate new backup codes</button></div>
                  <p class="hint">New codes replace all of your current ones.</p>
                </form>
                </section>
                """.formatted(a.backupCodesLeft(), a.backupCodesLeft() == 1 ? "code" : "codes",
                ApiPaths.ACCOUNT_BACKUP_CODES, SelfPages.csrfField(viewer.csrf()));
    }

    private static String signIns(Account a) {
        if (a.signIns().isEmpty()) {
            return "<section id=\"sign-ins\"><h2>Recent sign-ins</h2><p>None yet.</p></section>\n";
        }
        StringBuilder rows = new StringBuilder();
        for (SignInRow r : a.signIns()) {
            rows.append("<tr><td>").append(text(WHEN.format(r.at()))).append("</td><td>").append(text(r.appName()))
                    .append("</td><td>").append(text(r.clientIp() == null ? "unknown" : r.clientIp()))
                    .append("</td></tr>\n");
        }
        return """
                <section id="sign-ins">
                <h2>Recent sign-ins</h2>
                <table>
                <thead><tr><th>When</th><th>Application</th><th>From</th></tr></thead>
                <tbody>
                %s</tbody>
                </table>
                </section>
                """.formatted(rows);
    }

    /** The page that takes the code sent to the new number. */
    static String confirmMobile(Viewer viewer, String maskedNew, String sealedChange, Notice notice) {
        return SelfPages.page("Confirm your new number", viewer, notice, """
                <p>We sent a code by SMS to <span class="number" id="new-number">%s</span>. Your number changes once
                you have entered it.</p>
                <form method="post" action="%s" id="confirm-form">
                  %s
                  <input type="hidden" name="%s" value="%s">
                  <label for="code">Code</label>
                  <input type="text" id="code" name="code" class="code" inputmode="numeric" autocomplete="one-time-code" maxlength="64" autofocus>
                  <div class="actions"><button type="submit" class="primary" id="confirm">Confirm</button></div>
                </form>
                <p class="actions"><a href="%s" id="back">Keep my current number</a></p>
                """.formatted(text(maskedNew), ApiPaths.ACCOUNT_MOBILE_CONFIRM, SelfPages.csrfField(viewer.csrf()),
                PendingMobile.FIELD, text(sealedChange), ApiPaths.ACCOUNT));
    }

    /** The new backup codes, shown this once. */
    static String newBackupCodes(Viewer viewer, List<String> codes) {
        StringBuilder list = new StringBuilder();
        for (String code : codes) {
            list.append("<li class=\"code\">").append(text(code)).append("</li>\n");
        }
        return SelfPages.page("Your new backup codes", viewer, Notice.ok("New backup codes made. Your previous codes "
                + "no longer work."), """
                <p>Keep these somewhere safe: they are shown only now. Each works once, in place of an SMS code.</p>
                <ol id="backup-codes">
                %s</ol>
                <p class="actions"><a href="%s" id="back">Back to your account</a></p>
                """.formatted(list, ApiPaths.ACCOUNT));
    }
}
