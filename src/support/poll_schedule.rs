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

    /// Time left, estimated from the share done after `waited` (work assumed to go at an even
    /// pace since the wait began); `None` when the hint says nothing usable.
    fn remaining(self, waited: Duration) -> Option<Duration> {
        match self {
            Hint::Remaining(left) => Some(left),
            Hint::Progress(done) if done > 0.0 && done < 1.0 => {
                Some(waited.mul_f64((1.0 - done) / done))
            }
            Hint::Progress(_) => None,
        }
    }
}

/// Longest pause without a hint, whatever the interval (unless the interval is longer).
pub const MAX_POLL_PAUSE: Duration = Duration::from_secs(30);
/// A pause never exceeds this share of the time waited so far (unless the interval says so).
pub const SHARE_OF_WAITED: f64 = 0.10;

/// The pauses of one wait.
#[derive(Debug)]
pub struct PollSchedule {
    interval: Duration,
    /// Whether the last pause was aimed just past the expected end; if the work was not done
    /// then, the estimate was short and the next pauses fall back to the bounded pace.
    aimed_at_end: bool,
}

impl PollSchedule {
    /// A schedule whose shortest regular pause is `interval` (the provider's `poll_interval`).
    pub fn new(interval: Duration) -> Self {
        PollSchedule {
            interval: interval.max(Duration::from_millis(1)),
            aimed_at_end: false,
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
        let Some(remaining) = hint.and_then(|h| h.remaining(waited)) else {
            self.aimed_at_end = false;
            return jittered(bounded);
        };
        if remaining >= bounded.saturating_mul(2) {
            // Far from done: halve the distance, but at most double the time waited, so an
            // early, rough estimate cannot send the wait far past the end.
            self.aimed_at_end = false;
            let far = (remaining / 2).min(waited.max(self.interval));
            return jittered(far.max(bounded));
        }
        if remaining >= bounded || self.aimed_at_end {
            self.aimed_at_end = false;
            return jittered(bounded);
        }
        self.aimed_at_end = true;
        remaining.max(self.interval / 4)
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
        // 10% after 100 s: 900 s to go, but at most double the wait so far.
        let pause = schedule.next_pause(100 * SEC, Some(Hint::Progress(0.1)));
        assert!(pause > 85 * SEC && pause <= 100 * SEC, "{pause:?}");
        // 50% after 400 s: 400 s to go, pause about 200 s.
        let pause = schedule.next_pause(400 * SEC, Some(Hint::Progress(0.5)));
        assert!(pause > 170 * SEC && pause <= 200 * SEC, "{pause:?}");
        let pause = schedule.next_pause(400 * SEC, Some(Hint::Remaining(120 * SEC)));
        assert!(pause > 51 * SEC && pause <= 60 * SEC, "{pause:?}");
    }

    #[test]
    fn near_the_end_one_look_just_after_it_then_the_bounded_pace() {
        let mut schedule = PollSchedule::new(2 * SEC);
        let waited = 570 * SEC;
        let hint = Some(Hint::Progress(0.99));
        let aimed = schedule.next_pause(waited, hint);
        assert_eq!(aimed, waited.mul_f64(0.01 / 0.99));
        let after_a_short_estimate = schedule.next_pause(waited + aimed, hint);
        assert!(
            after_a_short_estimate > 25 * SEC,
            "{after_a_short_estimate:?}"
        );
        let tiny = PollSchedule::new(2 * SEC).next_pause(SEC, Some(Hint::Remaining(SEC / 100)));
        assert_eq!(tiny, SEC / 2);
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
