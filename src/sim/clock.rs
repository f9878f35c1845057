//! The simulator's virtual clock and the "becomes X at virtual time T" values built on it.
//!
//! Virtual time is real elapsed time multiplied by a speed factor, plus whatever the admin API
//! has skipped forward. Nothing runs in the background: every asynchronous change is recorded
//! as a [`Scheduled`] value and resolved when it is read.

use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Seconds of virtual time since the simulator started.
pub type VirtualSecs = f64;

/// A clock that runs `scale` times faster than real time and can be skipped forward.
#[derive(Debug)]
pub struct Clock {
    started: Instant,
    scale: f64,
    skipped_secs: Mutex<f64>,
    unix_secs_at_start: u64,
}

impl Clock {
    /// A clock starting now, running `scale` virtual seconds per real second.
    pub fn new(scale: f64) -> Self {
        let unix_secs_at_start = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs())
            .unwrap_or(0);
        Clock {
            started: Instant::now(),
            scale: if scale.is_finite() && scale > 0.0 {
                scale
            } else {
                1.0
            },
            skipped_secs: Mutex::new(0.0),
            unix_secs_at_start,
        }
    }

    /// Virtual seconds since the clock started.
    pub fn now(&self) -> VirtualSecs {
        let real = self.started.elapsed().as_secs_f64();
        real * self.scale + *crate::sim::store::lock(&self.skipped_secs)
    }

    /// A clock that carries on from a saved one: `virtual_now` seconds have already passed
    /// and virtual time 0 was Unix time `unix_secs_at_start`.
    pub fn resumed(scale: f64, virtual_now: VirtualSecs, unix_secs_at_start: u64) -> Self {
        let clock = Clock {
            unix_secs_at_start,
            ..Clock::new(scale)
        };
        clock.advance(virtual_now);
        clock
    }

    /// Moves virtual time forward by `secs` (negative values are ignored).
    pub fn advance(&self, secs: f64) {
        if secs.is_finite() && secs > 0.0 {
            *crate::sim::store::lock(&self.skipped_secs) += secs;
        }
    }

    /// Unix seconds at virtual time 0 (a virtual time `t` is unix time `base + t`).
    pub fn unix_secs_at_start(&self) -> u64 {
        self.unix_secs_at_start
    }

    /// The virtual time as a Unix timestamp: the real start time plus virtual seconds since.
    pub fn unix_now(&self) -> f64 {
        self.unix_secs_at_start as f64 + self.now()
    }

    /// The virtual calendar date "today" (UTC).
    pub fn today(&self) -> CivilDate {
        let unix_secs = self.unix_secs_at_start as f64 + self.now();
        CivilDate::from_days_since_epoch((unix_secs / 86_400.0).floor() as i64)
    }
}

/// A value that changes to other values at known virtual times.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scheduled<T> {
    current: T,
    pending: Vec<(VirtualSecs, T)>,
}

impl<T: Clone> Scheduled<T> {
    /// A value with no changes planned.
    pub fn new(value: T) -> Self {
        Scheduled {
            current: value,
            pending: Vec::new(),
        }
    }

    /// The value as seen at virtual time `now`.
    pub fn at(&self, now: VirtualSecs) -> &T {
        self.pending
            .iter()
            .rev()
            .find(|(when, _)| *when <= now)
            .map(|(_, value)| value)
            .unwrap_or(&self.current)
    }

    /// Plans a change to `value` at virtual time `when`.
    pub fn change_at(&mut self, when: VirtualSecs, value: T) {
        self.pending.push((when, value));
        self.pending.sort_by(|a, b| a.0.total_cmp(&b.0));
    }

    /// Sets the value now and forgets every planned change (an out-of-band edit).
    pub fn force(&mut self, value: T) {
        self.current = value;
        self.pending.clear();
    }

    /// Whether any change is still planned after `now`.
    pub fn has_pending_after(&self, now: VirtualSecs) -> bool {
        self.pending.iter().any(|(when, _)| *when > now)
    }
}

/// A proleptic Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CivilDate {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

impl CivilDate {
    /// The date `days` days after 1970-01-01 (days-to-civil conversion on 400-year eras).
    pub fn from_days_since_epoch(days: i64) -> Self {
        let shifted = days + 719_468;
        let era = shifted.div_euclid(146_097);
        let day_of_era = shifted.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_index = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
        let month = if month_index < 10 {
            month_index + 3
        } else {
            month_index - 9
        } as u32;
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        CivilDate { year, month, day }
    }

    /// The same day one month later, clamped to the end of a shorter month.
    pub fn plus_one_month(self) -> Self {
        let (year, month) = if self.month == 12 {
            (self.year + 1, 1)
        } else {
            (self.year, self.month + 1)
        };
        CivilDate {
            year,
            month,
            day: self.day.min(days_in_month(year, month)),
        }
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl std::fmt::Display for CivilDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_convert_and_add_months() {
        assert_eq!(
            CivilDate::from_days_since_epoch(0).to_string(),
            "1970-01-01"
        );
        assert_eq!(
            CivilDate::from_days_since_epoch(19_486).to_string(),
            "2023-05-09"
        );
        let jan31 = CivilDate {
            year: 2024,
            month: 1,
            day: 31,
        };
        assert_eq!(jan31.plus_one_month().to_string(), "2024-02-29");
        let dec15 = CivilDate {
            year: 2023,
            month: 12,
            day: 15,
        };
        assert_eq!(dec15.plus_one_month().to_string(), "2024-01-15");
    }

    #[test]
    fn scheduled_values_change_when_their_time_comes() {
        let mut state = Scheduled::new("Pending");
        state.change_at(60.0, "Active");
        assert_eq!(*state.at(59.9), "Pending");
        assert_eq!(*state.at(60.0), "Active");
        state.force("Suspended");
        assert_eq!(*state.at(100.0), "Suspended");
    }

    #[test]
    fn a_resumed_clock_carries_on_from_the_saved_time() {
        let clock = Clock::resumed(1.0, 500.0, 1_700_000_000);
        assert!(clock.now() >= 500.0 && clock.now() < 510.0);
        assert_eq!(clock.unix_secs_at_start(), 1_700_000_000);
    }

    #[test]
    fn advancing_moves_virtual_time() {
        let clock = Clock::new(1.0);
        let before = clock.now();
        clock.advance(120.0);
        assert!(clock.now() >= before + 120.0);
    }
}
