//! The per-provider request limiter behind `max_requests_per_second`: every request of a
//! provider process (retries included) takes the next free send slot, spaced `1 / rate` apart,
//! so no window of `t` seconds holds more than `t * rate + 1` requests.
//!
//! A few lines on `tokio::time` instead of a crate such as `governor`: that crate keeps its
//! own clock (so tests could not pause time), and a wait here must end at once when Terraform
//! asks the provider to stop, which needs the provider's cancellation token in the `select!`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Shared by every client a provider builds (cloning shares the slots); unlimited by default.
#[derive(Clone, Debug, Default)]
pub struct RequestLimiter {
    spacing: Option<Arc<Spacing>>,
}

#[derive(Debug)]
struct Spacing {
    interval: Duration,
    next_free: Mutex<Option<Instant>>,
}

impl RequestLimiter {
    pub fn unlimited() -> RequestLimiter {
        RequestLimiter::default()
    }

    /// At most `rate` requests per second; `None` or a rate that is not positive means no limit.
    pub fn per_second(rate: Option<f64>) -> RequestLimiter {
        let spacing = rate.filter(|r| r.is_finite() && *r > 0.0).map(|rate| {
            Arc::new(Spacing {
                interval: Duration::from_secs_f64(1.0 / rate),
                next_free: Mutex::new(None),
            })
        });
        RequestLimiter { spacing }
    }

    pub fn is_limited(&self) -> bool {
        self.spacing.is_some()
    }

    /// Waits for this request's slot. False when `cancel` fired during the wait: the request
    /// must not be sent. A request whose slot is free goes at once, as without a limit.
    pub async fn acquire(&self, cancel: &CancellationToken) -> bool {
        let Some(spacing) = &self.spacing else {
            return true;
        };
        let slot = {
            let mut next_free = spacing
                .next_free
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let now = Instant::now();
            let slot = next_free.map_or(now, |free| free.max(now));
            *next_free = Some(slot + spacing.interval);
            slot
        };
        if slot <= Instant::now() {
            return true;
        }
        tokio::select! {
            biased;
            _ = cancel.cancelled() => false,
            _ = tokio::time::sleep_until(slot) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_one_interval_apart() {
        let limiter = RequestLimiter::per_second(Some(4.0));
        let cancel = CancellationToken::new();
        let started = Instant::now();
        let mut sent_at = Vec::new();
        for _ in 0..9 {
            assert!(limiter.acquire(&cancel).await);
            sent_at.push(started.elapsed());
        }
        assert_eq!(sent_at[0], Duration::ZERO);
        assert_eq!(sent_at[8], Duration::from_secs(2));
        for pair in sent_at.windows(2) {
            assert_eq!(pair[1] - pair[0], Duration::from_millis(250), "{sent_at:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_requests_share_the_slots_of_every_clone() {
        let limiter = RequestLimiter::per_second(Some(10.0));
        let cancel = CancellationToken::new();
        let started = Instant::now();
        let tasks: Vec<_> = (0..30)
            .map(|_| {
                let limiter = limiter.clone();
                let cancel = cancel.clone();
                tokio::spawn(async move {
                    assert!(limiter.acquire(&cancel).await);
                    started.elapsed()
                })
            })
            .collect();
        let mut sent_at = Vec::new();
        for task in tasks {
            sent_at.push(task.await.unwrap());
        }
        sent_at.sort();
        assert_eq!(sent_at.last(), Some(&Duration::from_millis(2900)));
        for second in 0..3 {
            let window = Duration::from_secs(second)..Duration::from_secs(second + 1);
            let in_window = sent_at.iter().filter(|t| window.contains(*t)).count();
            assert_eq!(in_window, 10, "{sent_at:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_limiter_lets_the_next_request_go_at_once() {
        let limiter = RequestLimiter::per_second(Some(1.0));
        let cancel = CancellationToken::new();
        assert!(limiter.acquire(&cancel).await);
        tokio::time::sleep(Duration::from_secs(5)).await;
        let before = Instant::now();
        assert!(limiter.acquire(&cancel).await);
        assert_eq!(before.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn stop_ends_a_wait_for_a_slot_at_once() {
        let limiter = RequestLimiter::per_second(Some(0.01));
        let cancel = CancellationToken::new();
        assert!(limiter.acquire(&cancel).await);
        let stopper = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            stopper.cancel();
        });
        let before = Instant::now();
        assert!(!limiter.acquire(&cancel).await);
        assert_eq!(before.elapsed(), Duration::from_millis(300));
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_rate_nothing_waits() {
        let limiter = RequestLimiter::per_second(None);
        assert!(!limiter.is_limited());
        let cancel = CancellationToken::new();
        let before = Instant::now();
        for _ in 0..1000 {
            assert!(limiter.acquire(&cancel).await);
        }
        assert_eq!(before.elapsed(), Duration::ZERO);
    }
}
