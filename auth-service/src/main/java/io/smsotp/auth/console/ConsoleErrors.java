package io.smsotp.auth.console;

import io.javalin.http.Context;
import io.smsotp.auth.admin.ConfigWriteException;
import io.smsotp.auth.http.ApiException;
import io.smsotp.auth.self.SelfErrors;
import io.smsotp.auth.self.SelfPageException;
import io.smsotp.auth.self.SelfPages;
import io.smsotp.auth.users.UserChangeException;
import io.smsotp.config.ConfigException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * The console's exception mapper: what the admin services refuse (a bad field, a name taken, a
 * stale version, an unknown entry, too many test SMS) as an HTML page. A handler about to submit a
 * form first says how to show that form again ({@link #onRefusal}); a refusal then shows it with
 * the values entered and the refused field marked, and nothing was changed. Without a form, the
 * refusal is a page of its own with a way back.
 */
public final class ConsoleErrors {

    private static final String REFUSED_FORM = "smsotp.console.refusedForm";

    /**
     * How a form is shown again when the services refuse it.
     *
     * @param fields the form's field names, to find the one a message names
     * @param idField the field of the entry's name or id: what "exists already" is about
     * @param page the page with the form, its values and the refusal
     */
    record RefusedForm(Collection<String> fields, String idField, Function<FormError, String> page) {
        RefusedForm {
            fields = List.copyOf(fields);
            Objects.requireNonNull(page, "page");
        }
    }

    /** A refusal as the console tells it. */
    private record Refusal(int status, String message, boolean exists) {
    }

    private ConsoleErrors() {
    }

    /** From here on in this request, a refusal shows {@code form} again. */
    static void onRefusal(Context ctx, RefusedForm form) {
        ctx.attribute(REFUSED_FORM, form);
    }

    /**
     * Answers, on a console page, what the services refused: a {@link ConfigException},
     * {@link ApiException}, {@link ConfigWriteException} or {@link UserChangeException}.
     */
    public static void answer(Context ctx, RuntimeException e) {
        Refusal r = refusal(e);
        SelfPages.headers(ctx);
        if (e instanceof ApiException api) {
            api.headers().forEach(ctx::header);
        }
        RefusedForm form = ctx.attribute(REFUSED_FORM);
        if (form != null) {
            FormError error = r.exists() && form.idField() != null ? new FormError(form.idField(), r.message())
                    : FormError.of(r.message(), form.fields());
            ctx.status(r.status()).html(form.page().apply(error));
            return;
        }
        ConsoleLayout.Area area = areaOf(ctx.path());
        SelfErrors.answer(ctx, new SelfPageException(r.status(), title(r.status()), r.message(), area.path,
                "Back to " + area.label.toLowerCase(Locale.ROOT)));
    }

    private static Refusal refusal(RuntimeException e) {
        if (e instanceof ConfigException) {
            return new Refusal(400, e.getMessage(), false);
        }
        if (e instanceof ApiException api) {
            return new Refusal(api.status(), api.getMessage(), false);
        }
        if (e instanceof ConfigWriteException w) {
            return stateOf(w.reason().status(), w.reason() == ConfigWriteException.Reason.STALE,
                    w.reason() == ConfigWriteException.Reason.EXISTS, w.getMessage());
        }
        if (e instanceof UserChangeException u) {
            return stateOf(u.reason().status(), u.reason() == UserChangeException.Reason.STALE,
                    u.reason() == UserChangeException.Reason.EXISTS, u.getMessage());
        }
        throw new IllegalArgumentException("not a refusal: " + e.getClass().getName(), e);
    }

    private static Refusal stateOf(int status, boolean stale, boolean exists, String message) {
        if (stale) {
            return new Refusal(status, "Someone changed this since you opened it, so your change was not saved. "
                    + "Open it again to see what it holds now.", false);
        }
        return new Refusal(status, message, exists);
    }

    private static String title(int status) {
        return switch (status) {
            case 404 -> "Not found";
            case 409 -> "Not done";
            case 412 -> "Changed meanwhile";
            case 429 -> "Too many just now";
            case 503 -> "Please try again";
            default -> "That cannot be done";
        };
    }

    /** The console's area a path belongs to: the longest area path it starts with. */
    private static ConsoleLayout.Area areaOf(String path) {
        return Arrays.stream(ConsoleLayout.Area.values())
                .filter(a -> path.equals(a.path) || path.startsWith(a.path + "/"))
                .max(Comparator.comparingInt(a -> a.path.length())).orElse(ConsoleLayout.Area.OVERVIEW);
    }
}
