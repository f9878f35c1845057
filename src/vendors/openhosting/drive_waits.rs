//! The drive's two waits: imaging (poll drive info until `imaging` is gone, `queued` counting
//! as pending, and believe "done" only after two observations in a row, since the key has been
//! seen to vanish early), and destroy (a drive claimed by a server answers 409 busy: retry
//! until the delete timeout, then name the servers holding it).

use std::sync::atomic::{AtomicU32, Ordering};

use super::api::{OpenHostingClient, CREDENTIALS};
use super::models::{imaging, Imaging};
use crate::support::diag::wait_error_diag;
use crate::support::{wait_for, Hint, Poll, WaitSpec};
use crate::tfplugin::provider::Ctx;
use crate::tfplugin::Diagnostics;

/// How many polls in a row must find no `imaging` key before imaging counts as finished.
pub const DONE_OBSERVATIONS: u32 = 2;

/// Waits until imaging of `uuid` has finished; false (with an error diagnostic) if not.
pub async fn wait_for_imaging(
    ctx: &Ctx<OpenHostingClient>,
    uuid: &str,
    diags: &mut Diagnostics,
) -> bool {
    let spec = WaitSpec {
        what: format!("imaging of drive {uuid} to finish"),
        poll_interval: ctx.client.poll_interval,
        timeout: ctx.timeout,
        cancel: ctx.cancel.clone(),
    };
    let done_seen = AtomicU32::new(0);
    let done_seen = &done_seen;
    let outcome = wait_for(spec, |_| async move {
        let info = match ctx.client.drive_info(uuid).await {
            Ok(info) => info,
            Err(e) if e.is_not_found() => return Ok(Poll::Gone),
            Err(e) => return Err(e),
        };
        Ok(match imaging(&info) {
            Imaging::Absent => {
                let seen = done_seen.fetch_add(1, Ordering::SeqCst) + 1;
                if seen >= DONE_OBSERVATIONS {
                    Poll::Done(())
                } else {
                    Poll::Pending("imaging key gone once; confirming".into())
                }
            }
            Imaging::Queued => {
                done_seen.store(0, Ordering::SeqCst);
                log::info!("drive {uuid}: imaging queued behind another imaging");
                Poll::Pending("queued".into())
            }
            Imaging::Running(progress) => {
                done_seen.store(0, Ordering::SeqCst);
                log::info!("drive {uuid}: imaging {progress}");
                let state = format!("imaging {progress}");
                match Hint::from_percent_text(&progress) {
                    Some(hint) => Poll::Underway(state, hint),
                    None => Poll::Pending(state),
                }
            }
        })
    })
    .await;
    match outcome {
        Ok(()) => true,
        Err(e) => {
            wait_error_diag(
                diags,
                &format!("Imaging of drive {uuid} did not finish; it is kept in state as tainted"),
                &e,
                CREDENTIALS,
            );
            false
        }
    }
}

/// Destroys `uuid`, retrying while a server claims it (409), until the delete timeout.
pub async fn destroy_when_unclaimed(
    ctx: &Ctx<OpenHostingClient>,
    uuid: &str,
    diags: &mut Diagnostics,
) {
    let spec = WaitSpec {
        what: format!("drive {uuid} to be released by its servers and destroyed"),
        poll_interval: ctx.client.poll_interval,
        timeout: ctx.timeout,
        cancel: ctx.cancel.clone(),
    };
    let destroyed = wait_for(spec, |_| async {
        match ctx.client.destroy_drive(uuid).await {
            Ok(()) => Ok(Poll::Done(())),
            Err(e) if e.is_not_found() => Ok(Poll::Done(())),
            Err(e) if e.status() == Some(409) => {
                log::info!("drive {uuid} is busy (claimed by a server); retrying destroy");
                Ok(Poll::Pending("claimed by a server".to_string()))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    let Err(error) = destroyed else { return };
    let claimed = match ctx.client.drive_info(uuid).await {
        Ok(info) => info.list("claimed"),
        Err(_) => Vec::new(),
    };
    let summary = if claimed.is_empty() {
        format!("Cannot destroy Open Hosting drive {uuid}")
    } else {
        format!(
            "Cannot destroy Open Hosting drive {uuid}: still claimed by server(s) {}",
            claimed.join(", ")
        )
    };
    wait_error_diag(diags, &summary, &error, CREDENTIALS);
}
