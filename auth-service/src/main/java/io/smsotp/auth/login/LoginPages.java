package io.smsotp.auth.login;

import static io.smsotp.auth.http.Html.text;

import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.http.Html;

/**
 * The login pages as HTML. Each form posts back to auth-service with the sealed login context
 * ({@value LoginForms#CONTEXT_FIELD}) and its CSRF token ({@value CsrfTokens#FIELD_NAME}); every
 * variable part is escaped. Styles and script are files of their own, so the pages run under a
 * Content-Security-Policy without inline code.
 */
final class LoginPages {

    /** A message above a form. */
    record Notice(Kind kind, String text) {
        enum Kind {
            ERROR, INFO, OK
        }

        static Notice error(String text) {
            return new Notice(Kind.ERROR, text);
        }

        static Notice info(String text) {
            return new Notice(Kind.INFO, text);
        }

        static Notice ok(String text) {
            return new Notice(Kind.OK, text);
        }

        String html() {
            String css = switch (kind) {
                case ERROR -> "notice error";
                case INFO -> "notice info";
                case OK -> "notice ok";
            };
            String role = kind == Kind.ERROR ? " role=\"alert\"" : "";
            return "<p id=\"notice\" class=\"" + css + "\"" + role + ">" + Html.text(text) + "</p>";
        }
    }

    /**
     * What the SMS code page shows.
     *
     * @param sent whether a code has gone out for this sign-in (false after a refused or failed first send)
     * @param maskedNumber where the code went, all but the last 4 digits hidden
     * @param backupHint whether the application accepts backup codes in the same field
     * @param resendWaitSeconds seconds until Resend is allowed (0: now)
     * @param canResend false once no more codes may be sent
     * @param pollDelivery whether the page should watch for the SMS failing to send
     */
    record OtpPage(String appName, boolean sent, String maskedNumber, String token, String csrf, Notice notice, boolean backupHint,
                   long resendWaitSeconds, boolean canResend, boolean pollDelivery) {
    }

    private LoginPages() {
    }

    static String password(String appName, String token, String csrf, String username, Notice notice) {
        return page("Sign in", appName, notice, """
                <form method="post" action="%s" id="password-form">
                  %s
                  <label for="username">Username</label>
                  <input type="text" id="username" name="username" value="%s" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus>
                  <label for="password">Password</label>
                  <input type="password" id="password" name="password" autocomplete="current-password" required>
                  <div class="actions">
                    <button type="submit" class="primary" id="sign-in">Sign in</button>
                  </div>
                </form>
                %s""".formatted(ApiPaths.LOGIN_PASSWORD, hidden(token, csrf), text(username),
                cancelForm(token, csrf)));
    }

    static String otp(OtpPage p) {
        String number = p.maskedNumber() == null ? "your phone" : "<span class=\"number\" id=\"masked-number\">"
                + text(p.maskedNumber()) + "</span>";
        String hint = p.backupHint()
                ? "<p class=\"hint\" id=\"backup-hint\">No phone at hand? A backup code works in the same field.</p>" : "";
        String resend = p.canResend()
                ? "<button type=\"submit\" name=\"action\" value=\"resend\" id=\"resend\" formnovalidate"
                        + (p.resendWaitSeconds() > 0 ? " data-wait=\"" + p.resendWaitSeconds() + "\"" : "") + ">Resend</button>"
                : "";
        String wait = p.canResend() && p.resendWaitSeconds() > 0
                ? "You can ask for a new code in " + p.resendWaitSeconds() + " s." : "";
        return page("Enter the code", p.appName(), p.notice(), """
                <p>%s %s.</p>
                <p id="delivery" class="notice" aria-live="polite"></p>
                <form method="post" action="%s" id="otp-form" data-poll="%s" data-status-url="%s">
                  %s
                  <label for="code">Code</label>
                  <input type="text" id="code" name="code" class="code" inputmode="numeric" autocomplete="one-time-code" maxlength="64" autofocus>
                  %s
                  <div class="actions">
                    <button type="submit" name="action" value="continue" class="primary" id="continue">Continue</button>
                    %s
                  </div>
                  <p class="hint" id="resend-wait">%s</p>
                </form>
                %s""".formatted(p.sent() ? "We sent a code by SMS to" : "Codes for this sign-in go by SMS to", number,
                ApiPaths.LOGIN_OTP, p.pollDelivery(), ApiPaths.LOGIN_STATUS,
                hidden(p.token(), p.csrf()), hint, resend, text(wait), cancelForm(p.token(), p.csrf())));
    }

    static String mobile(String appName, String token, String csrf, String entered, Notice notice) {
        return page("Add your mobile number", appName, notice, """
                <p>Your account has no mobile number yet. We will send a code to the number you enter,
                and save it to your profile once you have entered that code.</p>
                <form method="post" action="%s" id="mobile-form">
                  %s
                  <label for="mobile">Mobile number</label>
                  <input type="tel" id="mobile" name="mobile" value="%s" placeholder="+44 7700 900123" autocomplete="tel" required autofocus>
                  <p class="hint">In international format: + and the country code first.</p>
                  <div class="actions">
                    <button type="submit" class="primary" id="send-code">Send code</button>
                  </div>
                </form>
                %s""".formatted(ApiPaths.LOGIN_MOBILE, hidden(token, csrf), text(entered), cancelForm(token, csrf)));
    }

    /**
     * A page that ends the login. {@code returnTo} (the client's redirect URI carrying an error)
     * gives the user a way back; it is null when the client could not be trusted with one.
     */
    static String error(String title, String message, String appName, String returnTo) {
        String back = returnTo == null ? ""
                : "<div class=\"actions\"><a href=\"" + text(returnTo) + "\" id=\"return\">Return to "
                        + text(appName == null ? "the application" : appName) + "</a></div>";
        return page(title, appName, Notice.error(message), back);
    }

    private static String hidden(String token, String csrf) {
        return "<input type=\"hidden\" name=\"" + LoginForms.CONTEXT_FIELD + "\" value=\"" + text(token) + "\">"
                + "<input type=\"hidden\" name=\"" + CsrfTokens.FIELD_NAME + "\" value=\"" + text(csrf) + "\">";
    }

    private static String cancelForm(String token, String csrf) {
        return "<form method=\"post\" action=\"" + ApiPaths.LOGIN_CANCEL + "\" id=\"cancel-form\">" + hidden(token, csrf)
                + "<button type=\"submit\" class=\"link\" id=\"cancel\">Cancel and return to the application</button></form>";
    }

    private static String page(String title, String appName, Notice notice, String body) {
        String app = appName == null ? "" : "<p class=\"app\">to continue to <strong id=\"app-name\">" + text(appName)
                + "</strong></p>";
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="referrer" content="no-referrer">
                <title>%s</title>
                <link rel="stylesheet" href="%s">
                </head>
                <body>
                <main>
                <h1>%s</h1>
                %s
                %s
                %s
                <footer>smsotp</footer>
                </main>
                <script src="%s"></script>
                </body>
                </html>
                """.formatted(text(title), ApiPaths.LOGIN_CSS, text(title), app, notice == null ? "" : notice.html(),
                body, ApiPaths.LOGIN_JS);
    }
}
