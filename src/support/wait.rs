//! The one poll engine for asynchronous vendor work: polls with the pauses of
//! [`PollSchedule`] (a tenth of the time waited, at least the poll interval; longer while the
//! vendor's progress says the end is far), until the check says done, the object disappears,
//! the deadline passes or Terraform cancels. Transient API errors while polling are tolerated
//! until the deadline.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::http::ApiError;
pub use super::poll_schedule::{Hint, PollSchedule, MAX_POLL_PAUSE};

/// What one check found.
#[derive(Debug)]
pub enum Poll<T> {
    Done(T),
    /// Not there yet; the text describes the state seen (e.g. `Pending/offline`).
    Pending(String),
    /// Not there yet, with what the vendor said about how far along it is.
    Underway(String, Hint),
    /// The object no longer exists.
    Gone,
}

/// What to wait for and for how long.
#[derive(Clone, Debug)]
pub struct WaitSpec {
    /// Completes "waiting for ...", e.g. `server 112233 to become Active`.
    pub what: String,
    pub poll_interval: Duration,
    pub timeout: Duration,
    pub cancel: CancellationToken,
}

#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    #[error("timed out after {} waiting for {what}; last state: {last_state}", format_waited(*waited))]
    Timeout {
        what: String,
        last_state: String,
        waited: Duration,
    },
    #[error("cancelled while waiting for {what}")]
    Cancelled { what: String },
    #[error("{what}: the object disappeared while waiting")]
    Gone { what: String },
    #[error("while waiting for {what}: {source}")]
    Api { what: String, source: ApiError },
}

impl WaitError {
    /// The API error that ended the wait, if one did.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            WaitError::Api { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Calls `check(attempt)` until it reports [`Poll::Done`], with pauses as the module describes.
pub async fn wait_for<T, F, Fut>(spec: WaitSpec, mut check: F) -> Result<T, WaitError>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<Poll<T>, ApiError>>,
{
    let started = Instant::now();
    let deadline = started + spec.timeout;
    let mut last_state = "not checked yet".to_string();
    let mut attempt: u32 = 0;
    let mut schedule = PollSchedule::new(spec.poll_interval);
    let timed_out = |last_state: String| WaitError::Timeout {
        what: spec.what.clone(),
        last_state,
        waited: started.elapsed(),
    };
    loop {
        let outcome = tokio::select! {
            biased;
            _ = spec.cancel.cancelled() => return Err(WaitError::Cancelled { what: spec.what.clone() }),
            outcome = tokio::time::timeout_at(deadline.max(Instant::now() + Duration::from_millis(1)), check(attempt)) => outcome,
        };
        let mut hint = None;
        let mut asked_to_wait = None;
        match outcome {
            Err(_) => return Err(timed_out(last_state)),
            Ok(Ok(Poll::Done(value))) => return Ok(value),
            Ok(Ok(Poll::Gone)) => {
                return Err(WaitError::Gone {
                    what: spec.what.clone(),
                })
            }
            Ok(Ok(Poll::Pending(state))) => last_state = state,
            Ok(Ok(Poll::Underway(state, said))) => {
                last_state = state;
                hint = Some(said);
            }
            Ok(Err(e)) if e.is_retryable() => {
                log::debug!("waiting for {}: tolerating {e}", spec.what);
                asked_to_wait = e.retry_after();
                last_state = format!("{last_state} (then: {e})");
                if last_state.len() > 400 {
                    last_state = e.to_string();
                }
            }
            Ok(Err(e)) => {
                return Err(WaitError::Api {
                    what: spec.what.clone(),
                    source: e,
                })
            }
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(timed_out(last_state));
        }
        let pause = schedule
            .next_pause(now - started, hint)
            .max(asked_to_wait.unwrap_or_default().min(MAX_POLL_PAUSE))
            .min(deadline - now);
        tokio::select! {
            biased;
            _ = spec.cancel.cancelled() => return Err(WaitError::Cancelled { what: spec.what.clone() }),
            _ = tokio::time::sleep(pause) => {}
        }
        attempt += 1;
    }
}

/// Reads up to `reads` times (at least once), pausing `pause(attempt)` before each read after
/// the first, until `read` finds something. `Ok(None)` means every read missed: how a client
/// confirms that an object is really gone, or that nothing new appeared, when the vendor's
/// lists lag behind or briefly leave out live objects. A pause ends at once when `cancel`
/// fires (Stop), with [`ApiError::Stopped`] naming `what` (never a miss, which would read as
/// gone).
pub async fn read_until_found<T, F, Fut>(
    reads: u32,
    pause: impl Fn(u32) -> Duration,
    cancel: &CancellationToken,
    what: &str,
    mut read: F,
) -> Result<Option<T>, ApiError>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<Option<T>, ApiError>>,
{
    for attempt in 0..reads.max(1) {
        if attempt > 0 {
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(ApiError::Stopped { request: what.to_string() }),
                _ = tokio::time::sleep(pause(attempt)) => {}
            }
        }
        if let Some(found) = read(attempt).await? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

fn format_waited(waited: Duration) -> String {
    let rounded = if waited >= Duration::from_secs(1) {
        Duration::from_secs(waited.as_secs_f64().round() as u64)
    } else {
        Duration::from_millis(waited.as_millis() as u64)
    };
    humantime::format_duration(rounded).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn read_until_found_stops_at_the_first_find_or_after_every_read_missed() {
        let reads = std::cell::Cell::new(0);
        let cancel = CancellationToken::new();
        let found = read_until_found(
            3,
            |_| Duration::ZERO,
            &cancel,
            "x",
            |attempt| {
                reads.set(reads.get() + 1);
                async move { Ok((attempt == 1).then_some("there")) }
            },
        )
        .await;
        assert_eq!((found.unwrap(), reads.get()), (Some("there"), 2));
        reads.set(0);
        let missed = read_until_found(
            3,
            |_| Duration::ZERO,
            &cancel,
            "x",
            |_| {
                reads.set(reads.get() + 1);
                async { Ok(None::<()>) }
            },
        )
        .await;
        assert_eq!((missed.unwrap(), reads.get()), (None, 3));
    }

    #[tokio::test(start_paused = true)]
    async fn stop_ends_a_pause_of_read_until_found_without_reading_as_gone() {
        let cancel = CancellationToken::new();
        let stopper = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            stopper.cancel();
        });
        let started = Instant::now();
        let read = read_until_found(
            3,
            |_| Duration::from_secs(3600),
            &cancel,
            "the confirming read",
            |_| async { Ok(None::<()>) },
        )
        .await;
        assert!(started.elapsed() < Duration::from_secs(2));
        let error = read.expect_err("a stopped confirmation is not a miss");
        assert!(matches!(error, ApiError::Stopped { .. }), "{error}");
        assert!(error.to_string().contains("the confirming read"), "{error}");
    }

    fn spec(timeout: Duration) -> WaitSpec {
        WaitSpec {
            what: "server 112233 to become Active".into(),
            poll_interval: Duration::from_millis(100),
            timeout,
            cancel: CancellationToken::new(),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn done_after_some_pending_checks() {
        let got = wait_for(spec(Duration::from_secs(60)), |attempt| async move {
            Ok(if attempt < 3 {
                Poll::Pending("Pending".into())
            } else {
                Poll::Done(attempt)
            })
        })
        .await
        .unwrap();
        assert_eq!(got, 3);
    }

    #[tokio::test(start_paused = true)]
    async fn timeout_names_what_and_the_last_state() {
        let err = wait_for(spec(Duration::from_secs(3)), |_| async {
            Ok::<Poll<()>, _>(Poll::Pending("Pending/offline".into()))
        })
        .await
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "timed out after 3s waiting for server 112233 to become Active; last state: Pending/offline"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn cancellation_stops_the_wait() {
        let s = spec(Duration::from_secs(3600));
        let cancel = s.cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            cancel.cancel();
        });
        let err = wait_for(s, |_| async {
            Ok::<Poll<()>, _>(Poll::Pending("Pending".into()))
        })
        .await
        .unwrap_err();
        assert!(matches!(err, WaitError::Cancelled { .. }), "{err}");
    }

    #[tokio::test(start_paused = true)]
    async fn transient_errors_are_tolerated_and_others_end_the_wait() {
        let retryable = || ApiError::Status {
            request: "GET /s".into(),
            status: 503,
            vendor_message: String::new(),
            body_excerpt: String::new(),
            retry_after: None,
        };
        let got = wait_for(spec(Duration::from_secs(60)), |attempt| async move {
            if attempt < 2 {
                Err(retryable())
            } else {
                Ok(Poll::Done("ok"))
            }
        })
        .await
        .unwrap();
        assert_eq!(got, "ok");
        let err = wait_for(spec(Duration::from_secs(60)), |_| async {
            Err::<Poll<()>, _>(ApiError::Status {
                request: "GET /s".into(),
                status: 401,
                vendor_message: "no".into(),
                body_excerpt: String::new(),
                retry_after: None,
            })
        })
        .await
        .unwrap_err();
        assert_eq!(err.api_error().and_then(ApiError::status), Some(401));
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_while_polling_spaces_the_next_check() {
        let busy = || ApiError::Status {
            request: "GET /s".into(),
            status: 429,
            vendor_message: String::new(),
            body_excerpt: String::new(),
            retry_after: Some(Duration::from_secs(20)),
        };
        let started = Instant::now();
        let checked_at = std::sync::Mutex::new(Vec::new());
        wait_for(spec(Duration::from_secs(600)), |attempt| {
            checked_at.lock().unwrap().push(started.elapsed());
            async move {
                if attempt == 0 {
                    Err(busy())
                } else {
                    Ok(Poll::Done(()))
                }
            }
        })
        .await
        .unwrap();
        let checked_at = checked_at.into_inner().unwrap();
        assert_eq!(checked_at.len(), 2);
        assert!(
            checked_at[1] >= Duration::from_secs(20),
            "checked again after {:?}, before the 20 s Retry-After",
            checked_at[1]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn gone_ends_the_wait() {
        let err = wait_for(spec(Duration::from_secs(60)), |_| async {
            Ok::<Poll<()>, _>(Poll::Gone)
        })
        .await
        .unwrap_err();
        assert!(matches!(err, WaitError::Gone { .. }));
    }
}

#[cfg(test)]
#[path = "wait_timing_tests.rs"]
mod timing_tests;
