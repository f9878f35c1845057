//! Waiting for HosterAPI jobs (`GET job/{id}`: queued -> executing -> finished or failed) and
//! for power states, with the shared poll engine and the operation's deadline.

use tokio::time::Instant;

use super::api::{is_gone, HosterClient, CREDENTIALS};
use super::models::Job;
use crate::support::diag::wait_error_diag;
use crate::support::{wait_for, Poll, WaitError, WaitSpec};
use crate::tfplugin::provider::Ctx;
use crate::tfplugin::Diagnostics;

/// Why a job did not finish.
#[derive(Debug)]
pub enum JobError {
    /// The job ran and failed; the text is its output (the vendor's `0xNN: ...` error).
    Failed { job_id: i64, output: String },
    /// The wait ended first: timeout, cancellation or an API error.
    Wait(WaitError),
}

impl JobError {
    /// Adds the error diagnostic for a job that `what` started, e.g. "creating the VM".
    pub fn diagnose(&self, diags: &mut Diagnostics, summary: &str) {
        match self {
            JobError::Failed { job_id, output } => {
                diags.error(summary, format!("HosterAPI job {job_id} failed: {output}"))
            }
            JobError::Wait(e) => wait_error_diag(diags, summary, e, CREDENTIALS),
        }
    }
}

pub fn spec(ctx: &Ctx<HosterClient>, what: String, deadline: Instant) -> WaitSpec {
    WaitSpec {
        what,
        poll_interval: ctx.client.poll_interval,
        timeout: deadline.saturating_duration_since(Instant::now()),
        cancel: ctx.cancel.clone(),
    }
}

/// Waits until job `job_id` has finished (returned) or failed.
pub async fn wait_job(
    ctx: &Ctx<HosterClient>,
    job_id: i64,
    deadline: Instant,
) -> Result<Job, JobError> {
    let client = ctx.client.clone();
    let outcome = wait_for(
        spec(ctx, format!("job {job_id} to finish"), deadline),
        move |_| {
            let client = client.clone();
            async move {
                let job = match client.job(job_id).await {
                    Err(e) if is_gone(&e) => return Ok(Poll::Gone),
                    other => other?,
                };
                if job.is_finished() || job.is_failed() {
                    Ok(Poll::Done(job))
                } else {
                    Ok(job.pending())
                }
            }
        },
    )
    .await
    .map_err(JobError::Wait)?;
    if outcome.is_failed() {
        return Err(JobError::Failed {
            job_id,
            output: outcome.failure_text(),
        });
    }
    Ok(outcome)
}

/// `running` -> `running`; `stopped`, `halted`, `shutdown`, `off` -> `stopped`.
pub fn power_state_of(state: &str) -> Option<&'static str> {
    match state.to_ascii_lowercase().as_str() {
        "running" | "online" | "on" | "started" => Some("running"),
        "stopped" | "halted" | "shutdown" | "off" | "offline" => Some("stopped"),
        _ => None,
    }
}

/// Waits until `read_state` reports the power state `want` (`running` or `stopped`).
pub async fn wait_power<F, Fut>(
    ctx: &Ctx<HosterClient>,
    what: String,
    want: &'static str,
    deadline: Instant,
    read_state: F,
) -> Result<(), WaitError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Option<String>, crate::support::ApiError>>,
{
    wait_for(spec(ctx, what, deadline), move |_| {
        let read = read_state();
        async move {
            match read.await {
                Ok(Some(state)) if power_state_of(&state) == Some(want) => Ok(Poll::Done(())),
                Ok(Some(state)) => Ok(Poll::Pending(state)),
                Ok(None) => Ok(Poll::Pending("no state".into())),
                Err(e) if is_gone(&e) => Ok(Poll::Gone),
                Err(e) => Err(e),
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn power_states() {
        assert_eq!(power_state_of("running"), Some("running"));
        assert_eq!(power_state_of("halted"), Some("stopped"));
        assert_eq!(power_state_of("Stopped"), Some("stopped"));
        assert_eq!(power_state_of("migrating"), None);
    }
}
