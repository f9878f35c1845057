//! Prints how late and how often the poll engine looks at jobs of 5 s, 1 min and 10 min, in
//! paused (virtual) tokio time, next to fixed 1-second polling and the engine before hints
//! (`poll_interval` 5 s growing 1.5x, capped at 30 s). Run by `bench/waiting`.

use std::time::Duration;

use hostform::support::{wait_for, Hint, Poll, WaitSpec};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

const RUNS: u32 = 200;

/// A job queued 0.5 to 1.5 s (so its end falls anywhere between two whole seconds), then
/// running `length` seconds at an even pace.
#[derive(Clone, Copy)]
struct Job {
    queued: f64,
    length: f64,
}

impl Job {
    fn new(length: f64) -> Self {
        Job {
            queued: 0.5 + fastrand::f64(),
            length,
        }
    }

    fn ends_at(self) -> f64 {
        self.queued + self.length
    }

    /// Whole-percent progress at `now`, as HosterAPI shows it; `None` once finished.
    fn progress(self, now: f64) -> Option<f64> {
        (now < self.ends_at()).then(|| {
            let share = ((now - self.queued).max(0.0) / self.length).min(0.99);
            (share * 100.0).floor() / 100.0
        })
    }
}

#[derive(Clone, Copy)]
enum Policy {
    FixedEverySecond,
    BeforeHints,
    EngineWithoutProgress,
    EngineWithProgress,
}

impl Policy {
    fn name(self) -> &'static str {
        match self {
            Policy::FixedEverySecond => "fixed 1 s polling",
            Policy::BeforeHints => "engine before (5 s x1.5^n, cap 30 s)",
            Policy::EngineWithoutProgress => "engine, no progress",
            Policy::EngineWithProgress => "engine, with progress",
        }
    }
}

/// Seconds between the job's end and the look that saw it, and the number of looks.
async fn watch(job: Job, policy: Policy) -> (f64, u32) {
    let started = Instant::now();
    let now = move || started.elapsed().as_secs_f64();
    let mut looks = 0u32;
    match policy {
        Policy::FixedEverySecond | Policy::BeforeHints => loop {
            looks += 1;
            if job.progress(now()).is_none() {
                return (now() - job.ends_at(), looks);
            }
            let pause = match policy {
                Policy::FixedEverySecond => 1.0,
                _ => {
                    let grown = (5.0 * 1.5f64.powi(looks as i32 - 1)).min(30.0);
                    grown * (0.8 + fastrand::f64() * 0.4)
                }
            };
            tokio::time::sleep(Duration::from_secs_f64(pause)).await;
        },
        Policy::EngineWithoutProgress | Policy::EngineWithProgress => {
            let spec = WaitSpec {
                what: "the job".into(),
                poll_interval: Duration::from_secs(2),
                timeout: Duration::from_secs(7200),
                cancel: CancellationToken::new(),
            };
            let with_progress = matches!(policy, Policy::EngineWithProgress);
            let looks = std::cell::Cell::new(0u32);
            let noticed = wait_for(spec, |_| {
                looks.set(looks.get() + 1);
                let at = now();
                async move {
                    Ok(match job.progress(at) {
                        None => Poll::Done(at),
                        Some(done) if with_progress => {
                            Poll::Underway(format!("{done}"), Hint::Progress(done))
                        }
                        Some(_) => Poll::Pending("executing".into()),
                    })
                }
            })
            .await
            .expect("the wait ends when the job does");
            (noticed - job.ends_at(), looks.get())
        }
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a paused runtime");
    println!("In-process poll engine, virtual time, {RUNS} runs each (jitter varies); job = 0.5-1.5 s queued + length");
    println!(
        "{:>6}  {:<38} {:>10} {:>10} {:>8} {:>10} {:>10}",
        "length", "policy", "late mean", "late max", "max %", "looks mean", "looks max"
    );
    for length in [5.0, 60.0, 600.0] {
        for policy in [
            Policy::FixedEverySecond,
            Policy::BeforeHints,
            Policy::EngineWithoutProgress,
            Policy::EngineWithProgress,
        ] {
            let (mut late_sum, mut late_max, mut looks_sum, mut looks_max) = (0.0, 0.0f64, 0, 0);
            for _ in 0..RUNS {
                let (late, looks) = runtime.block_on(watch(Job::new(length), policy));
                late_sum += late;
                late_max = late_max.max(late);
                looks_sum += looks;
                looks_max = looks_max.max(looks);
            }
            println!(
                "{:>5}s  {:<38} {:>9.2}s {:>9.2}s {:>7.1}% {:>10.1} {:>10}",
                length,
                policy.name(),
                late_sum / f64::from(RUNS),
                late_max,
                100.0 * late_max / length,
                f64::from(looks_sum) / f64::from(RUNS),
                looks_max
            );
        }
    }
}
