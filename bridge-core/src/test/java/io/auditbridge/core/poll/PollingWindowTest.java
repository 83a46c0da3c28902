package io.auditbridge.core.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditbridge.core.poll.PollingWindow.Range;
import io.auditbridge.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The window arithmetic both pollers (GKE entries.list, EKS FilterLogEvents) share, on a clock only the test moves. */
class PollingWindowTest {
    static final Instant T0 = Instant.parse("2026-11-30T02:00:00Z");
    static final Duration LAG = Duration.ofSeconds(30);
    static final Duration OVERLAP = Duration.ofSeconds(15);
    static final Duration MIN_ADVANCE = Duration.ofSeconds(5);

    private final ManualClock clock = new ManualClock(T0);

    private PollingWindow fresh() {
        PollingWindow w = PollingWindow.follow(LAG, OVERLAP, MIN_ADVANCE);
        w.startFresh(clock.instant(), Duration.ZERO);
        return w;
    }

    private static Instant at(String hhmmss) {
        return Instant.parse("2026-11-30T" + hhmmss + "Z");
    }

    @Test
    void aFirstStartReadsOneOverlapEndingOneLagBehindNow() {
        PollingWindow w = fresh();

        Range r = w.open(clock.instant()).orElseThrow();

        assertThat(r.start()).isEqualTo(at("01:59:15"));
        assertThat(r.end()).isEqualTo(at("01:59:30"));
        assertThat(r.endIncluded()).isTrue();
        assertThat(r.continuesFrom()).isEqualTo(at("01:59:30"));
        assertThat(w.position()).as("nothing completed yet").isEqualTo(at("01:59:30"));
    }

    @Test
    void aLookbackStartsFurtherBackAndTheFirstWindowStillReReadsAnOverlapBeforeIt() {
        PollingWindow w = PollingWindow.follow(LAG, OVERLAP, MIN_ADVANCE);
        w.startFresh(clock.instant(), Duration.ofMinutes(5));

        Range r = w.open(clock.instant()).orElseThrow();

        assertThat(r.start()).isEqualTo(at("01:54:15"));
        assertThat(r.continuesFrom()).isEqualTo(at("01:54:30"));
        assertThat(r.end()).isEqualTo(at("01:59:30"));
    }

    @Test
    void aCompletedWindowMovesThePositionToItsEndAndTheNextStartsOneOverlapBeforeIt() {
        PollingWindow w = fresh();
        w.open(clock.instant()).orElseThrow();
        w.handedOn(at("01:59:25"));
        assertThat(w.complete()).isEqualTo(at("01:59:30"));
        assertThat(w.position()).isEqualTo(at("01:59:30"));

        clock.advance(Duration.ofSeconds(20));
        Range next = w.open(clock.instant()).orElseThrow();

        assertThat(next.start()).isEqualTo(at("01:59:15"));
        assertThat(next.end()).isEqualTo(at("01:59:50"));
        assertThat(next.continuesFrom()).isEqualTo(at("01:59:30"));
    }

    @Test
    void aNewWindowWaitsUntilItsEndIsMinAdvancePastTheLastOne() {
        PollingWindow w = fresh();
        w.open(clock.instant()).orElseThrow();
        w.complete();

        assertThat(w.open(clock.instant())).as("same instant: nothing new to ask for").isEmpty();
        clock.advance(MIN_ADVANCE.minusMillis(1));
        assertThat(w.open(clock.instant())).as("a sliver short of the minimum advance").isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(w.open(clock.instant())).map(Range::end).contains(at("01:59:35"));
    }

    @Test
    void noWindowWhileTheLagHasNotPassedTheStart() {
        PollingWindow w = PollingWindow.follow(LAG, Duration.ZERO, Duration.ZERO);
        w.resumeAt(at("01:59:30"));

        assertThat(w.open(clock.instant())).as("[01:59:30, 01:59:30] would be empty of anything new").isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(w.open(clock.instant())).map(Range::start).contains(at("01:59:30"));
    }

    @Test
    void aResumeReReadsTheOverlapBeforeTheCommittedPositionHoweverLongTheOutage() {
        PollingWindow w = PollingWindow.follow(LAG, OVERLAP, MIN_ADVANCE);
        w.resumeAt(at("01:59:29"));
        clock.advance(Duration.ofDays(3));

        Range r = w.open(clock.instant()).orElseThrow();

        assertThat(r.start()).isEqualTo(at("01:59:14"));
        assertThat(r.end()).isEqualTo(Instant.parse("2026-12-03T01:59:30Z"));
        assertThat(r.continuesFrom()).isEqualTo(at("01:59:29"));
    }

    @Test
    void lateEntriesInsideTheOverlapAreLateOnlyAfterAWindowCompletedAndKeepThePositionFromMovingBack() {
        PollingWindow w = fresh();
        w.open(clock.instant()).orElseThrow();
        assertThat(w.isLate(at("01:59:20")))
                .as("the first window re-reads the overlap with nothing remembered: nothing there is late").isFalse();
        w.handedOn(at("01:59:20"));
        w.complete();

        clock.advance(MIN_ADVANCE);
        w.open(clock.instant()).orElseThrow();
        Instant lateOne = at("01:59:22"); // ingested after the first window had passed it
        Instant newOne = at("01:59:33");

        assertThat(w.isLate(lateOne)).isTrue();
        assertThat(w.isLate(newOne)).isFalse();
        assertThat(w.positionOf(lateOne)).as("committing it must not move the position back").isEqualTo(at("01:59:30"));
        assertThat(w.positionOf(newOne)).isEqualTo(newOne);
        assertThat(w.keepFrom()).as("the next window re-reads from the end less the overlap").isEqualTo(at("01:59:20"));
    }

    @Test
    void anAbandonedWindowIsOpenedAgainFromTheNewestEntryHandedOnLessTheOverlapOnceDue() {
        PollingWindow w = PollingWindow.follow(LAG, OVERLAP, MIN_ADVANCE);
        w.resumeAt(at("00:59:00"));
        Range first = w.open(clock.instant()).orElseThrow();
        assertThat(first.start()).isEqualTo(at("00:58:45"));
        w.handedOn(at("01:00:00"));
        w.handedOn(at("01:01:00"));
        w.handedOn(at("01:00:30")); // older than the newest: does not move it back
        w.abandon(); // say the page token expired

        assertThat(w.rereadFrom()).isEqualTo(at("01:00:45"));
        assertThat(w.open(clock.instant())).as("still due only MIN_ADVANCE after the abandoned window").isEmpty();
        clock.advance(MIN_ADVANCE);
        Range again = w.open(clock.instant()).orElseThrow();

        assertThat(again.start()).isEqualTo(at("01:00:45"));
        assertThat(again.end()).isEqualTo(at("01:59:35"));
        assertThat(again.continuesFrom()).as("nothing completed: still the committed position").isEqualTo(at("00:59:00"));
        assertThat(w.position()).isEqualTo(at("00:59:00"));
    }

    @Test
    void rereadFromIsWhatTheDedupeMustStillKnowAndNeverBeforeTheEpoch() {
        PollingWindow w = PollingWindow.follow(Duration.ZERO, Duration.ofDays(1), Duration.ZERO);
        w.resumeAt(Instant.ofEpochMilli(1_000));

        assertThat(w.rereadFrom()).isEqualTo(Instant.EPOCH);
        assertThat(w.open(Instant.ofEpochMilli(5_000))).map(Range::start).contains(Instant.EPOCH);
    }

    @Test
    void aBackfillIsOneWindowSinceIncludedUntilExcludedThenExhausted() {
        Instant since = at("00:00:00");
        Instant until = at("02:00:00");
        PollingWindow w = PollingWindow.backfill(since, until, Duration.ZERO);
        assertThat(w.position()).isEqualTo(since);

        Range r = w.open(clock.instant().plus(Duration.ofDays(1))).orElseThrow();

        assertThat(r.start()).isEqualTo(since);
        assertThat(r.end()).isEqualTo(until);
        assertThat(r.endIncluded()).isFalse();
        assertThat(r.lastIncluded(Duration.ofMillis(1))).isEqualTo(at("01:59:59.999"));
        assertThat(w.isLate(at("00:00:00"))).as("nothing in a backfill is late").isFalse();
        assertThat(w.exhausted()).isFalse();
        w.complete();
        assertThat(w.exhausted()).isTrue();
        assertThat(w.open(clock.instant())).isEmpty();
    }

    @Test
    void anAbandonedBackfillIsReadAgainFromItsNewestEntryNeverBeforeSince() {
        Instant since = at("00:00:00");
        PollingWindow w = PollingWindow.backfill(since, at("02:00:00"), Duration.ZERO);
        w.open(clock.instant()).orElseThrow();
        w.handedOn(at("01:00:01"));
        w.abandon();

        Range again = w.open(clock.instant()).orElseThrow();

        assertThat(again.start()).as("no spacing in a backfill; from the newest entry").isEqualTo(at("01:00:01"));
        assertThat(again.end()).isEqualTo(at("02:00:00"));

        PollingWindow withOverlap = PollingWindow.backfill(since, at("02:00:00"), Duration.ofHours(5));
        assertThat(withOverlap.rereadFrom()).isEqualTo(since);
    }

    @Test
    void misuseIsRefusedWithTheReason() {
        assertThatThrownBy(() -> PollingWindow.follow(Duration.ofSeconds(-1), OVERLAP, MIN_ADVANCE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lag");
        assertThatThrownBy(() -> PollingWindow.backfill(at("02:00:00"), at("02:00:00"), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("until must be after since");
        PollingWindow notStarted = PollingWindow.follow(LAG, OVERLAP, MIN_ADVANCE);
        assertThatThrownBy(() -> notStarted.open(clock.instant())).isInstanceOf(IllegalStateException.class);
        PollingWindow w = fresh();
        w.open(clock.instant()).orElseThrow();
        assertThatThrownBy(() -> w.open(clock.instant())).as("one window at a time").isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> PollingWindow.backfill(at("00:00:00"), at("01:00:00"), Duration.ZERO).resumeAt(T0))
                .isInstanceOf(IllegalStateException.class);
    }
}
