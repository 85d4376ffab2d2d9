package io.smsotp.stream.challenge;

import io.smsotp.events.ChallengePlacement;
import io.smsotp.events.OtpCommand;
import java.util.regex.Pattern;

/** What makes a command impossible to act on: a contract breach by its sender, checked before any state changes. */
final class CommandCheck {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

    private CommandCheck() {
    }

    /** Whether {@code to} is a number in E.164, the only form a recipient travels in. */
    static boolean isE164(String to) {
        return to != null && E164.matcher(to).matches();
    }

    /**
     * The problem, or null.
     *
     * @param partitions the partitions of {@code otp.commands}: a create whose id does not place it on
     *     its number's partition is refused, since its sends would be counted where the number's
     *     other sends are not
     */
    static String problemWith(String key, OtpCommand command, int partitions) {
        if (command.challengeId() == null || command.challengeId().isBlank()) {
            return "challengeId is required";
        }
        if (!command.challengeId().equals(key)) {
            // keyed otherwise, it may sit on another partition than the challenge's other commands
            return "the record key must be the challengeId";
        }
        if (command.appId() == null || command.appId().isBlank()) {
            return "appId is required";
        }
        if (command instanceof OtpCommand.CreateChallenge create) {
            if (!isE164(create.to())) {
                return "to must be a number in E.164";
            }
            if (!ChallengePlacement.isPlaced(create.challengeId(), create.to(), partitions)) {
                return "the challengeId must place the challenge on its number's partition (ChallengePlacement.newId)";
            }
        }
        if (command instanceof OtpCommand.SendNotice notice) {
            return Notices.problemWith(notice);
        }
        return null;
    }
}
