package io.smsotp.auth.self;

import static io.smsotp.auth.http.Html.text;

import io.javalin.http.Context;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.http.Html;
import io.smsotp.auth.login.CsrfTokens;

/**
 * The frame of smsotp's own pages (the account page, the console): a header naming who is signed
 * in with a sign-out button, a notice, the body. Every variable part is escaped by the caller
 * through {@link io.smsotp.auth.http.Html#text}, or here. No script at all: the pages work
 * without it, and the Content-Security-Policy allows none.
 */
public final class SelfPages {

    /** No script, no frames, forms only to this origin, styles only from it. */
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "base-uri 'none'; frame-ancestors 'none'";

    /** Who a page is shown to: the header names them and carries the sign-out form. */
    public record Viewer(String username, String signOutPath, String csrf) {
    }

    /** A message above the page's body. */
    public record Notice(boolean error, String text) {
        public static Notice ok(String text) {
            return new Notice(false, text);
        }

        public static Notice error(String text) {
            return new Notice(true, text);
        }

        String html() {
            // the record's own text() hides the static import here
            return "<p id=\"notice\" class=\"notice " + (error ? "error\" role=\"alert\"" : "ok\"") + ">"
                    + Html.text(text) + "</p>";
        }
    }

    private SelfPages() {
    }

    /** The headers every page of the area carries (also error pages and redirects). */
    public static void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        // pages show personal data and carry CSRF tokens (backup codes, once): nothing for a cache
        ctx.header("Cache-Control", "no-store");
    }

    /** The hidden CSRF field every form of the area carries. */
    public static String csrfField(String csrf) {
        return "<input type=\"hidden\" name=\"" + CsrfTokens.FIELD_NAME + "\" value=\"" + text(csrf) + "\">";
    }

    /** A whole page; {@code body} is HTML the caller escaped. {@code viewer} null: nobody signed in. */
    public static String page(String title, Viewer viewer, Notice notice, String body) {
        return page(title, viewer, notice, null, body);
    }

    /**
     * A whole page of an area with its own navigation ({@code nav}, HTML the caller escaped; null:
     * none), laid out wider for its tables: the console.
     */
    public static String page(String title, Viewer viewer, Notice notice, String nav, String body) {
        String header = viewer == null ? "" : """
                <header><span>Signed in as <strong id="signed-in-as">%s</strong></span>
                <form method="post" action="%s" id="signout-form">%s<button type="submit" class="link" id="signout">Sign out</button></form>
                </header>""".formatted(text(viewer.username()), text(viewer.signOutPath()), csrfField(viewer.csrf()));
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
                <main%s>
                %s%s
                <h1>%s</h1>
                %s
                %s
                <footer>smsotp</footer>
                </main>
                </body>
                </html>
                """.formatted(text(title), ApiPaths.ACCOUNT_CSS, nav == null ? "" : " class=\"wide\"", header,
                nav == null ? "" : "\n" + nav, text(title),
                notice == null ? "" : notice.html(), body);
    }

    /** A page with a message and at most one link on (null: none). */
    static String message(String title, String message, String linkHref, String linkText, boolean error) {
        String link = linkHref == null ? "" : "<p class=\"actions\"><a href=\"" + text(linkHref) + "\" id=\"next\">"
                + text(linkText) + "</a></p>";
        return page(title, null, error ? Notice.error(message) : Notice.ok(message), link);
    }
}
