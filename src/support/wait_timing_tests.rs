//! How late and how often the poll engine looks at jobs of 5 s, 1 min and 10 min, in paused
//! time: within 10% of the job's length (or the 2 s interval) and with far fewer looks than
//! polling every second, with and without the vendor's progress.

use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::*;

const INTERVAL: Duration = Duration::from_secs(2);
const QUEUED: f64 = 1.0;

/// A job queued for a second, then running `length` seconds at an even pace, its progress
/// shown in whole percent (as HosterAPI does) when `with_progress`.
struct Outcome {
    late_secs: f64,
    looks: u32,
}

async fn watch_job(length: f64, with_progress: bool) -> Outcome {
    let started = Instant::now();
    let ends_at = QUEUED + length;
    let looks = std::cell::Cell::new(0u32);
    let spec = WaitSpec {
        what: "job 1 to finish".into(),
        poll_interval: INTERVAL,
        timeout: Duration::from_secs(3600),
        cancel: CancellationToken::new(),
    };
    let noticed = wait_for(spec, |_| {
        looks.set(looks.get() + 1);
        let now = started.elapsed().as_secs_f64();
        async move {
            if now >= ends_at {
                return Ok(Poll::Done(now));
            }
            let share = ((now - QUEUED).max(0.0) / length).min(0.99);
            let percent = (share * 100.0).floor() / 100.0;
            Ok(if with_progress {
                Poll::Underway(format!("executing ({percent})"), Hint::Progress(percent))
            } else {
                Poll::Pending("executing".into())
            })
        }
    })
    .await
    .unwrap();
    Outcome {
        late_secs: noticed - ends_at,
        looks: looks.get(),
    }
}

async fn check_bounds(length: f64, with_progress: bool, most_looks: u32) {
    for _ in 0..20 {
        let seen = watch_job(length, with_progress).await;
        let allowed = (0.1 * length).max(INTERVAL.as_secs_f64());
        assert!(
            seen.late_secs <= allowed,
            "{length} s job (progress: {with_progress}) noticed {:.1} s late",
            seen.late_secs
        );
        assert!(
            seen.looks <= most_looks,
            "{length} s job (progress: {with_progress}) took {} looks",
            seen.looks
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_five_second_job_is_noticed_within_two_seconds() {
    // Polling every second would look 7 times.
    check_bounds(5.0, false, 6).await;
    check_bounds(5.0, true, 6).await;
}

#[tokio::test(start_paused = true)]
async fn a_one_minute_job_is_noticed_within_six_seconds() {
    // Polling every second would look 62 times.
    check_bounds(60.0, false, 26).await;
    check_bounds(60.0, true, 12).await;
}

#[tokio::test(start_paused = true)]
async fn a_ten_minute_job_is_noticed_within_a_minute() {
    // Polling every second would look 602 times.
    check_bounds(600.0, false, 56).await;
    check_bounds(600.0, true, 18).await;
}

#[tokio::test(start_paused = true)]
async fn stuck_progress_still_ends_at_the_deadline_with_the_last_state() {
    let spec = WaitSpec {
        what: "job 7 to finish".into(),
        poll_interval: INTERVAL,
        timeout: Duration::from_secs(900),
        cancel: CancellationToken::new(),
    };
    let started = Instant::now();
    let err = wait_for(spec, |_| async {
        Ok::<Poll<()>, _>(Poll::Underway(
            "executing (50%)".into(),
            Hint::Progress(0.5),
        ))
    })
    .await
    .unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(900));
    assert_eq!(
        err.to_string(),
        "timed out after 15m waiting for job 7 to finish; last state: executing (50%)"
    );
}

#[tokio::test(start_paused = true)]
async fn imaging_queued_behind_another_is_noticed_within_a_tenth_of_the_wait() {
    // Queued 100 s (progress 0), then 10 s of imaging shown in whole percent.
    for _ in 0..20 {
        let started = Instant::now();
        let spec = WaitSpec {
            what: "imaging of drive d to finish".into(),
            poll_interval: INTERVAL,
            timeout: Duration::from_secs(3600),
            cancel: CancellationToken::new(),
        };
        let noticed = wait_for(spec, |_| {
            let now = started.elapsed().as_secs_f64();
            async move {
                if now >= 110.0 {
                    return Ok(Poll::Done(now));
                }
                if now < 100.0 {
                    return Ok(Poll::Pending("queued".into()));
                }
                let percent = ((now - 100.0) * 10.0).floor();
                Ok(Poll::Underway(
                    format!("{percent}%"),
                    Hint::Progress(percent / 100.0),
                ))
            }
        })
        .await
        .unwrap();
        assert!(
            noticed - 110.0 <= 11.0,
            "noticed {:.1} s late",
            noticed - 110.0
        );
    }
}
