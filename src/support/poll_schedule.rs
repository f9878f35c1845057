//! When the poll engine looks again: never later than a tenth of the time waited so far (and
//! never sooner than the poll interval), so work of any length is noticed within 10% of its
//! length or one interval; and, when the vendor tells how far along the work is, a longer
//! first stretch aimed at the middle of the expected remaining time, then one look just after
//! the expected end.

use std::time::Duration;

/// What a vendor said about pending work, for scheduling the next look.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Hint {
    /// The share done, from 0 to 1 (HosterAPI `progress`, Open Hosting `imaging: 45%`).
    Progress(f64),
    /// Expected time until done (a vendor's ETA).
    Remaining(Duration),
}

impl Hint {
    /// `45%` or `45` (percent) as [`Hint::Progress`]; `None` for anything else.
    pub fn from_percent_text(text: &str) -> Option<Hint> {
        let number = text.trim().trim_end_matches('%').trim();
        let percent: f64 = number.parse().ok()?;
        (percent.is_finite() && (0.0..=100.0).contains(&percent))
            .then(|| Hint::Progress(percent / 100.0))
    }
}

/// Where progress last moved: time waited then and the share done.
type Sighting = (Duration, f64);

/// Time left at `waited` with `done` of the work done, at the pace since progress was last
/// seen to move (so time spent queued before does not count), but never more than at the pace
/// since the wait began; `None` without an earlier sighting to measure the pace from, or for a
/// share that says nothing (0, 1 or not a number).
fn remaining_at(waited: Duration, done: f64, moved: Option<Sighting>) -> Option<Duration> {
    let (at, before) = moved?;
    if !(done > 0.0 && done < 1.0 && done > before && waited > at) {
        return None;
    }
    let since_moved = (waited - at).mul_f64((1.0 - done) / (done - before));
    Some(since_moved.min(waited.mul_f64((1.0 - done) / done)))
}

/// Longest pause without a hint, whatever the interval (unless the interval is longer).
pub const MAX_POLL_PAUSE: Duration = Duration::from_secs(30);
/// A pause never exceeds this share of the time waited so far (unless the interval says so).
pub const SHARE_OF_WAITED: f64 = 0.10;

/// The pauses of one wait.
#[derive(Debug)]
pub struct PollSchedule {
    interval: Duration,
    /// Pauses in a row aimed just past the expected end: each one that finds the work still
    /// underway doubles the shortest next aim, back up to the bounded pace (a vendor stuck at
    /// 99% is not polled ever faster).
    aims: u32,
    progress_moved: Option<Sighting>,
}

impl PollSchedule {
    /// A schedule whose shortest regular pause is `interval` (the provider's `poll_interval`).
    pub fn new(interval: Duration) -> Self {
        PollSchedule {
            interval: interval.max(Duration::from_millis(1)),
            aims: 0,
            progress_moved: None,
        }
    }

    /// The pause without a hint after `waited`: a tenth of it, at least the interval, at most
    /// [`MAX_POLL_PAUSE`] (or the interval, if longer).
    pub fn bounded_pause(&self, waited: Duration) -> Duration {
        waited
            .mul_f64(SHARE_OF_WAITED)
            .clamp(self.interval, MAX_POLL_PAUSE.max(self.interval))
    }

    /// The pause before the next look, after `waited` and what the last look said.
    pub fn next_pause(&mut self, waited: Duration, hint: Option<Hint>) -> Duration {
        let bounded = self.bounded_pause(waited);
        let remaining = match hint {
            Some(Hint::Remaining(left)) => Some(left),
            Some(Hint::Progress(done)) => {
                let left = remaining_at(waited, done, self.progress_moved);
                if self.progress_moved.is_none_or(|(_, before)| done != before) {
                    self.progress_moved = Some((waited, done));
                }
                left
            }
            None => None,
        };
        let Some(remaining) = remaining.filter(|left| *left < bounded) else {
            self.aims = 0;
            return jittered(self.far_pause(waited, bounded, remaining));
        };
        let shortest = (bounded / 4).saturating_mul(1 << self.aims.min(2));
        self.aims += 1;
        remaining.max(shortest).min(bounded)
    }

    /// The pause while the end is not expected within the bounded pause: half the time left,
    /// but at most the time waited so far, so an early, rough estimate cannot send the wait
    /// far past the end; the bounded pace when the estimate is near or missing.
    fn far_pause(
        &self,
        waited: Duration,
        bounded: Duration,
        remaining: Option<Duration>,
    ) -> Duration {
        match remaining {
            Some(left) if left >= bounded.saturating_mul(2) => {
                (left / 2).min(waited.max(self.interval)).max(bounded)
            }
            _ => bounded,
        }
    }
}

/// Between 85% and 100% of `pause`, so that many waits started together spread out without
/// any pause growing past its bound.
fn jittered(pause: Duration) -> Duration {
    pause.mul_f64(0.85 + fastrand::f64() * 0.15)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn without_hints_pauses_stay_within_a_tenth_of_the_wait_and_the_cap() {
        let mut schedule = PollSchedule::new(2 * SEC);
        for waited_secs in [0, 1, 10, 20, 50, 100, 299, 300, 1000, 100_000] {
            let waited = waited_secs * SEC;
            let pause = schedule.next_pause(waited, None);
            let bound = waited.mul_f64(0.1).clamp(2 * SEC, 30 * SEC);
            assert!(
                pause <= bound && pause >= bound.mul_f64(0.85),
                "{waited_secs}: {pause:?}"
            );
        }
        let mut slow = PollSchedule::new(60 * SEC);
        assert!(slow.next_pause(1000 * SEC, None) > 50 * SEC);
    }

    #[test]
    fn progress_far_from_done_halves_the_remaining_time_up_to_the_time_waited() {
        let mut schedule = PollSchedule::new(2 * SEC);
        let first_sighting = schedule.next_pause(SEC, Some(Hint::Progress(0.0)));
        assert!(first_sighting <= 2 * SEC);
        // 10% after 100 s: 900 s to go, but at most double the wait so far.
        let pause = schedule.next_pause(100 * SEC, Some(Hint::Progress(0.1)));
        assert!(pause > 85 * SEC && pause <= 100 * SEC, "{pause:?}");
        // 50% after 400 s: 400 s to go at the pace since the start, 375 s at the pace since
        // progress last moved; the shorter one counts.
        let pause = schedule.next_pause(400 * SEC, Some(Hint::Progress(0.5)));
        assert!(pause > 159 * SEC && pause <= 188 * SEC, "{pause:?}");
        let pause = schedule.next_pause(400 * SEC, Some(Hint::Remaining(120 * SEC)));
        assert!(pause > 51 * SEC && pause <= 60 * SEC, "{pause:?}");
    }

    #[test]
    fn near_the_end_looks_just_after_it_then_backs_off_to_the_bounded_pace() {
        let mut schedule = PollSchedule::new(2 * SEC);
        schedule.next_pause(SEC, Some(Hint::Progress(0.0)));
        let mut waited = 500 * SEC;
        let almost = Some(Hint::Progress(0.98));
        let aimed = schedule.next_pause(waited, almost);
        assert_eq!(aimed, (waited - SEC).mul_f64(0.02 / 0.98));
        let mut pauses = Vec::new();
        for done in [0.985, 0.99, 0.995] {
            waited += SEC;
            let pause = schedule
                .next_pause(waited, Some(Hint::Progress(done)))
                .as_secs_f64();
            pauses.push((pause * 4.0 / 30.0).round() / 4.0);
        }
        assert_eq!(pauses, [0.5, 1.0, 1.0], "in 30 s, the bounded pause");
        let stalled = schedule.next_pause(waited + SEC, Some(Hint::Progress(0.995)));
        assert!(stalled > 25 * SEC, "{stalled:?}");
        let tiny = PollSchedule::new(2 * SEC).next_pause(SEC, Some(Hint::Remaining(SEC / 100)));
        assert_eq!(tiny, SEC / 2);
    }

    #[test]
    fn time_spent_queued_does_not_stretch_the_estimate() {
        let mut schedule = PollSchedule::new(2 * SEC);
        // Queued for 100 s, then 10% a second: 50% at 105 s, 70% at 107 s, 3 s to go.
        let first_sighting = schedule.next_pause(105 * SEC, Some(Hint::Progress(0.5)));
        assert!(first_sighting <= 10500 * SEC / 1000, "{first_sighting:?}");
        let aimed = schedule.next_pause(107 * SEC, Some(Hint::Progress(0.7)));
        assert!(
            aimed > 2900 * SEC / 1000 && aimed < 3100 * SEC / 1000,
            "{aimed:?}"
        );
    }

    #[test]
    fn unusable_hints_count_as_none() {
        let mut schedule = PollSchedule::new(2 * SEC);
        for hint in [
            Hint::Progress(0.0),
            Hint::Progress(1.0),
            Hint::Progress(f64::NAN),
        ] {
            assert!(
                schedule.next_pause(100 * SEC, Some(hint)) <= 10 * SEC,
                "{hint:?}"
            );
        }
    }

    #[test]
    fn percent_texts() {
        assert_eq!(Hint::from_percent_text("45%"), Some(Hint::Progress(0.45)));
        assert_eq!(Hint::from_percent_text(" 7 "), Some(Hint::Progress(0.07)));
        assert_eq!(Hint::from_percent_text("queued"), None);
        assert_eq!(Hint::from_percent_text("120%"), None);
    }
}
