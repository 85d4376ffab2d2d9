package io.smsotp.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fault test's verdict: what counts as lost, twice approved or hung, and the per-fault rows. */
class FaultReportTest {

    private static final long T0 = 1_000_000L;

    @Test
    void passesWhenEveryCreatedChallengeGotItsSmsAndOneApproval() {
        ChallengeRun ok = approved("+15552000001", T0 + 100);
        ChallengeRun lostAnswer = created("+15552000002", T0 + 200);
        lostAnswer.smsArrived(T0 + 300);
        lostAnswer.approvedEarlier();   // the verify's answer was lost, the approval was not
        ChallengeRun refused = new ChallengeRun("+15552000003", T0 + 300);
        refused.createFailed(5_000_000_000L, "503 unavailable", false);

        FaultReport report = report(List.of(ok, lostAnswer, refused), Map.of("+15552000001", 1, "+15552000002", 2));

        assertThat(report.lost()).isEmpty();
        assertThat(report.duplicateSms()).isEqualTo(1);
        assertThat(report.passed()).isTrue();
        assertThat(print(report)).contains("failed, with an error to the client      1", "PASSED");
    }

    @Test
    void failsOnAChallengeWithoutSmsOrApprovalOnADoubleApprovalAndOnAHang() {
        ChallengeRun noSms = created("+15552000011", T0);
        ChallengeRun notApproved = created("+15552000012", T0);
        notApproved.smsArrived(T0 + 50);
        ChallengeRun twice = approved("+15552000013", T0);
        twice.valid();
        ChallengeRun hung = new ChallengeRun("+15552000014", T0);
        hung.createFailed(15_000_000_000L, "no answer within 15 s", true);

        assertThat(report(List.of(noSms, notApproved, approved("+15552000015", T0)), Map.of()).lost())
                .containsExactly(noSms, notApproved);
        assertThat(report(List.of(noSms), Map.of()).passed()).isFalse();
        assertThat(report(List.of(twice), Map.of()).doubleApprovals()).isEqualTo(1);
        assertThat(report(List.of(twice), Map.of()).passed()).isFalse();
        assertThat(report(List.of(hung, approved("+15552000016", T0), approved("+15552000017", T0)), Map.of()).passed())
                .isFalse();
    }

    @Test
    void showsEachFaultWithItsDowntimeRecoveryAndWhatTheClientsSawInItsWindow() {
        ChallengeRun before = approved("+15552000021", T0 + 500);
        ChallengeRun during = new ChallengeRun("+15552000022", T0 + 1_500);
        during.createFailed(5_000_000_000L, "503 unavailable", false);
        ChallengeRun after = approved("+15552000023", T0 + 9_000);
        List<FaultReport.Event> events = List.of(new FaultReport.Event(T0 + 1_000, "kill", "kafka-2"),
                new FaultReport.Event(T0 + 3_000, "start", "kafka-2"),
                new FaultReport.Event(T0 + 7_000, "healthy", "kafka-2"));

        String out = print(new FaultReport(List.of(before, during, after), Map.of(), events, T0, 5,
                Duration.ofSeconds(10)));

        // down 2.0 s, healthy 4.0 s after its start, 2 creates in its window of which 1 failed (5000 ms);
        // disrupted until that create's answer: 0.5 s after the fault plus its 5 s
        assertThat(out).containsPattern(
                "kill kafka-2\\s+1\\.0\\s+2\\.0\\s+4\\.0\\s+2\\s+1\\s+50\\.00\\s+5000\\s+[0-9.]+\\s+5\\.5");
    }

    @Test
    void aFaultIsOverAfterTenSecondsOfUndisruptedCreatesWhatComesLaterIsNotItsDoing() {
        long fault = T0 + 1_000;
        ChallengeRun failed = new ChallengeRun("+15552000031", fault + 1_000);
        failed.createFailed(10_000_000_000L, "503 unavailable", false);   // ends 11 s after the fault
        ChallengeRun slow = created("+15552000032", fault + 4_000);        // its SMS 6 s late: ends at 10 s
        slow.smsArrived(fault + 10_000);
        slow.valid();
        List<ChallengeRun> window = new java.util.ArrayList<>(List.of(failed, slow));
        for (long t = 5_000; t <= 16_000; t += 1_000) {                   // 11 s of creates answered in time
            window.add(approved("+1555200" + (1000 + t / 1_000), fault + t));
        }
        ChallengeRun late = new ChallengeRun("+15552000099", fault + 40_000);  // the next fault's doing
        late.createFailed(10_000_000_000L, "503 unavailable", false);
        window.add(late);

        assertThat(FaultReport.disruptedMillis(fault, window)).isEqualTo(11_000);
        // without ten clean seconds after them, the late failure would count
        assertThat(FaultReport.disruptedMillis(fault, List.of(failed, slow, late))).isEqualTo(50_000);
    }

    private static ChallengeRun created(String number, long at) {
        ChallengeRun run = new ChallengeRun(number, at);
        run.created(100_000_000L, "id-" + number);
        return run;
    }

    private static ChallengeRun approved(String number, long at) {
        ChallengeRun run = created(number, at);
        run.smsArrived(at + 400);
        run.valid();
        return run;
    }

    private static FaultReport report(List<ChallengeRun> runs, Map<String, Integer> sms) {
        return new FaultReport(runs, sms, List.of(), T0, 5, Duration.ofSeconds(10));
    }

    private static String print(FaultReport report) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}
