package io.smsotp.launcher.demo;

import java.util.List;

/** The Pickup Dispatch pages. Every value that did not come from this file goes through {@link #escape}. */
final class Html {

    private Html() {
    }

    /** What the home page shows for a signed-in user. */
    record SignedIn(String subject, List<String> amr, String authTime) {
    }

    static String home(SignedIn user, String issuer) {
        if (user == null) {
            return page("Pickup Dispatch", """
                    <p class="status" id="status">Signed out</p>
                    <p>Dispatchers sign in with their company account: a password, then a code sent by SMS.</p>
                    <p><a class="button" id="login" href="%s">Log in</a></p>
                    <p class="muted">Login service: <code>%s</code></p>
                    """.formatted(PickupDispatchApp.LOGIN_PATH, escape(issuer)));
        }
        return page("Pickup Dispatch", """
                <p class="status ok" id="status">Signed in</p>
                <dl>
                  <dt>Dispatcher (<code>sub</code>)</dt><dd id="sub">%s</dd>
                  <dt>Factors used (<code>amr</code>)</dt><dd id="amr">%s</dd>
                  <dt>Authenticated at (<code>auth_time</code>)</dt><dd id="auth-time">%s</dd>
                </dl>
                <h2>Open pickups</h2>
                <table>
                  <tr><th>Ref</th><th>Pickup</th><th>Window</th><th>Driver</th></tr>
                  <tr><td>PD-1042</td><td>Harbour St 12</td><td>09:30&ndash;09:45</td><td>unassigned</td></tr>
                  <tr><td>PD-1043</td><td>Central Station, gate B</td><td>09:40&ndash;09:50</td><td>M. Okafor</td></tr>
                  <tr><td>PD-1044</td><td>Airport T2 arrivals</td><td>10:05&ndash;10:20</td><td>unassigned</td></tr>
                </table>
                <form method="post" action="%s"><button id="logout" type="submit">Log out</button></form>
                """.formatted(escape(user.subject()), escape(String.join(" ", user.amr())),
                escape(user.authTime()), PickupDispatchApp.LOGOUT_PATH));
    }

    static String error(DemoError e) {
        StringBuilder body = new StringBuilder();
        body.append("<p class=\"status bad\" id=\"status\">").append(escape(e.title())).append("</p>\n");
        body.append("<p id=\"error-detail\">").append(escape(e.detail())).append("</p>\n");
        if (e.oauthError() != null) {
            body.append("<dl><dt>Error</dt><dd id=\"error\"><code>").append(escape(e.oauthError()))
                    .append("</code></dd>");
            if (e.description() != null) {
                body.append("<dt>Description</dt><dd id=\"error-description\">").append(escape(e.description()))
                        .append("</dd>");
            }
            body.append("</dl>\n");
        }
        body.append("<p>");
        if (e.retry()) {
            body.append("<a class=\"button\" id=\"retry\" href=\"").append(PickupDispatchApp.LOGIN_PATH)
                    .append("\">Try again</a> ");
        }
        body.append("<a id=\"home\" href=\"").append(PickupDispatchApp.HOME_PATH).append("\">Back to the start</a></p>\n");
        return page("Pickup Dispatch - " + e.title(), body.toString());
    }

    private static String page(String title, String body) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s</title>
                <style>
                body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
                header{background:#1d3557;color:#fff;padding:.8em 1.5em;font-weight:600;letter-spacing:.02em}
                main{max-width:44em;margin:2em auto;background:#fff;padding:1.5em 2em;border-radius:8px;
                box-shadow:0 1px 3px rgba(0,0,0,.12)}
                .status{font-size:1.3em;font-weight:600}.ok{color:#2a7a3b}.bad{color:#b3261e}.muted{color:#667}
                .button,button{display:inline-block;background:#e76f51;color:#fff;border:0;border-radius:6px;
                padding:.55em 1.3em;font-size:1em;text-decoration:none;cursor:pointer}
                dt{font-size:.85em;color:#667;margin-top:.6em}dd{margin:0;font-family:monospace;font-size:1.05em}
                table{border-collapse:collapse;width:100%%;margin:.5em 0 1.5em}
                td,th{border-bottom:1px solid #e3e5ea;padding:.4em .5em;text-align:left}
                </style></head>
                <body><header>Pickup Dispatch</header><main>
                %s</main></body></html>
                """.formatted(escape(title), body);
    }

    static String escape(String s) {
        // the same escaper as smsotp's own pages: null becomes ""
        return io.smsotp.auth.http.Html.text(s);
    }
}
