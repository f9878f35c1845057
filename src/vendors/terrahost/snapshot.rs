//! `<vendor>_snapshot`: a snapshot of a virtual server. `POST /servers/{id}/snapshot` answers
//! without an id, so create lists the server's snapshots until a new one with the requested
//! display name appears, records its id at once and then waits for `completed`. Two snapshots
//! of one server with the same name are refused, since the name is how the new one is found.

use std::time::Duration;

use async_trait::async_trait;

use super::api::TerrahostClient;
use super::models::Snapshot;
use super::{id_of, numeric_id, settle_unknowns, type_name, Brand};
use crate::support::diag::{api_error_diag, wait_error_diag};
use crate::support::wait::read_until_found;
use crate::support::{wait_for, ApiError, Poll, WaitSpec};
use crate::tfplugin::provider::{Ctx, DefaultTimeouts, Resource};
use crate::tfplugin::{timeouts, Attribute, Block, Check, Diagnostics, Schema, Type, Value};

pub struct SnapshotResource {
    pub brand: Brand,
}

pub fn schema() -> Schema {
    Schema::new(
        Block::new("A snapshot of a virtual server. The server's other snapshots must not have the same name: the API returns no id, so the new snapshot is found by its name.")
            .attr(Attribute::computed("id", Type::String).keep_state().describe("The snapshot id (`snap_id`), as text."))
            .attr(Attribute::required("server_id", Type::String).force_new().check(Check::Custom(numeric_id)).describe("Id of the virtual server to snapshot. Changing it creates a new snapshot."))
            .attr(Attribute::required("name", Type::String).force_new().check(Check::NonEmpty).describe("The snapshot's descriptive name, unique among the server's snapshots. Changing it creates a new snapshot."))
            .attr(Attribute::computed("snap_name", Type::String).keep_state().describe("The vendor's internal snapshot name."))
            .attr(Attribute::computed("state", Type::String).describe("`pending` while the snapshot is being made, then `completed`."))
            .attr(Attribute::computed("created", Type::Number).keep_state().describe("When the snapshot was taken, as a Unix timestamp."))
            .block(timeouts::block(&["create", "delete"])),
    )
}

fn snapshot_state(base: &Value, server: i64, snap: &Snapshot) -> Value {
    let mut s = if base.is_null() {
        Value::null_object(&schema().block.implied_type())
    } else {
        base.clone()
    };
    s.set("server_id", server.to_string());
    if let Some(id) = snap.snap_id {
        s.set("id", id.to_string());
    }
    if let Some(name) = &snap.snap_display_name {
        s.set("name", name.as_str());
    }
    s.set("snap_name", snap.snap_name.clone());
    s.set("state", snap.snap_state.clone());
    s.set("created", snap.snap_time);
    settle_unknowns(s)
}

/// The id in state of a requested snapshot not listed yet; a refresh finds it by name.
const UNLISTED: &str = "pending";

/// For a state whose id is [`UNLISTED`]: the snapshot of its server with its name, if listed.
async fn resolve_unlisted(ctx: &Ctx<TerrahostClient>, current: &Value) -> Option<Value> {
    if current.get("id").as_str() != Some(UNLISTED) {
        return None;
    }
    let server = id_of(current, "server_id")?;
    let name = current.get("name").as_str()?;
    let list = ctx.client.list_snapshots(server).await.ok()?;
    let snap = list
        .iter()
        .find(|s| s.snap_display_name.as_deref() == Some(name))?;
    Some(snapshot_state(current, server, snap))
}

/// The snapshot `snap` of `server`; `None` when gone, confirmed by repeated reads.
async fn find_confirmed(
    client: &TerrahostClient,
    server: i64,
    snap: i64,
) -> Result<Option<Snapshot>, ApiError> {
    read_until_found(
        client.absence_reads,
        |attempt| client.poll_interval * (attempt + 1),
        client.session.stop_token(),
        &format!("the read confirming snapshot {snap} is gone"),
        |_| async {
            match client.list_snapshots(server).await {
                Ok(list) => Ok(list.into_iter().find(|s| s.snap_id == Some(snap))),
                Err(e) if e.is_not_found() => Ok(None),
                Err(e) => Err(e),
            }
        },
    )
    .await
}

/// [`find_confirmed`] for a refresh: concurrent reads of one server's snapshots share a
/// `GET /servers/{id}/snapshots`.
async fn read_snapshot(
    client: &TerrahostClient,
    server: i64,
    snap: i64,
) -> Result<Option<Snapshot>, ApiError> {
    let listed = || async {
        match client.list_snapshots(server).await {
            Err(e) if e.is_not_found() => Ok(Vec::new()),
            other => other,
        }
    };
    client
        .snapshot_reads
        .of(server)
        .read(
            |s| s.snap_id == Some(snap),
            listed,
            || find_confirmed(client, server, snap),
        )
        .await
}

async fn wait_completed(
    ctx: &Ctx<TerrahostClient>,
    server: i64,
    snap: i64,
    timeout: Duration,
) -> Result<Snapshot, crate::support::WaitError> {
    let spec = WaitSpec {
        what: format!("snapshot {snap} of server {server} to complete"),
        poll_interval: ctx.client.poll_interval,
        timeout,
        cancel: ctx.cancel.clone(),
    };
    wait_for(spec, |_| async {
        let list = ctx.client.list_snapshots(server).await?;
        Ok(match list.into_iter().find(|s| s.snap_id == Some(snap)) {
            Some(s) if s.snap_state.as_deref() == Some("completed") => Poll::Done(s),
            Some(s) => Poll::Pending(s.snap_state.unwrap_or_else(|| "unknown".into())),
            None => Poll::Pending("not listed".into()),
        })
    })
    .await
}

#[async_trait]
impl Resource<TerrahostClient> for SnapshotResource {
    fn type_name(&self) -> &'static str {
        type_name!(self.brand, "snapshot")
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn default_timeouts(&self) -> DefaultTimeouts {
        DefaultTimeouts {
            create: Duration::from_secs(60 * 60),
            ..DefaultTimeouts::default()
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<TerrahostClient>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let brand = self.brand.display();
        let creds = ctx.client.credentials();
        let (Some(server), Some(name)) =
            (id_of(planned, "server_id"), planned.get("name").as_str())
        else {
            diags.error(
                "Invalid snapshot arguments",
                "server_id must be a numeric id and name must be set.",
            );
            return Value::Null;
        };
        let started = tokio::time::Instant::now();
        let lock = ctx.client.snapshot_lock(server).await;
        let _one_at_a_time = lock.lock().await;
        let before = match ctx.client.list_snapshots(server).await {
            Ok(list) => list,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot list the snapshots of {brand} server {server}"),
                    &e,
                    &creds,
                );
                return Value::Null;
            }
        };
        if let Some(same) = before
            .iter()
            .find(|s| s.snap_display_name.as_deref() == Some(name))
        {
            diags.attr_error(
                crate::tfplugin::AttrPath::attr("name"),
                "Snapshot name already used",
                format!("Server {server} already has a snapshot named {name:?} (id {}). The API does not return the id of a new snapshot, so the provider finds it by name: choose a name the server's other snapshots do not have.", same.snap_id.map(|i| i.to_string()).unwrap_or_else(|| "unknown".into())),
            );
            return Value::Null;
        }
        let known: Vec<i64> = before.iter().filter_map(|s| s.snap_id).collect();
        let is_new = |s: &Snapshot| {
            s.snap_display_name.as_deref() == Some(name)
                && s.snap_id.is_some_and(|id| !known.contains(&id))
        };
        let mut adopted = None;
        if let Err(e) = ctx.client.create_snapshot(server, name).await {
            // A 2xx answer that cannot be read may still have started the snapshot.
            if e.outcome_unknown() || matches!(e, ApiError::Decode { .. }) {
                adopted = read_until_found(
                    3,
                    |_| ctx.client.poll_interval,
                    &ctx.cancel,
                    "the list read looking for the created snapshot",
                    |_| async {
                        let list = ctx.client.list_snapshots(server).await.ok();
                        Ok::<_, ApiError>(list.and_then(|l| l.into_iter().find(is_new)))
                    },
                )
                .await
                .ok()
                .flatten();
            }
            if let Some(snap) = &adopted {
                diags.warning(format!("Adopted snapshot {} of {brand} server {server}", snap.snap_id.unwrap_or_default()), format!("The answer to the snapshot request was lost ({e}), but a new snapshot named {name:?} appeared; Terraform manages it instead of taking another."));
            } else {
                api_error_diag(
                    diags,
                    &format!("Cannot snapshot {brand} server {server}"),
                    &e,
                    &creds,
                );
                if e.outcome_unknown() {
                    if let Some(d) = diags.0.last_mut() {
                        d.detail.push_str(&format!(" The snapshot may still have been made: look for one named {name:?} and import it (SERVER_ID/SNAP_ID) before applying again."));
                    }
                }
                return Value::Null;
            }
        }
        let spec = WaitSpec {
            what: format!("the new snapshot {name:?} of server {server} to be listed"),
            poll_interval: ctx.client.poll_interval,
            timeout: ctx.timeout,
            cancel: ctx.cancel.clone(),
        };
        let found = match adopted {
            Some(snap) => Ok(snap),
            None => {
                wait_for(spec, |_| async {
                    let list = ctx.client.list_snapshots(server).await?;
                    Ok(match list.into_iter().find(is_new) {
                        Some(s) => Poll::Done(s),
                        None => Poll::Pending("not listed yet".into()),
                    })
                })
                .await
            }
        };
        drop(_one_at_a_time);
        let snap = match found {
            Ok(s) => s,
            Err(e) => {
                wait_error_diag(
                    diags,
                    &format!("The new snapshot of {brand} server {server} did not appear"),
                    &e,
                    &creds,
                );
                if let Some(d) = diags.0.last_mut() {
                    d.detail.push_str(" The snapshot was requested: it is kept in state (tainted) under the id `pending` until a refresh finds it by name, so the next apply replaces it rather than leaving it behind.");
                }
                let mut state = settle_unknowns(planned.clone());
                state.set("server_id", server.to_string());
                state.set("id", UNLISTED);
                return state;
            }
        };
        let Some(snap_id) = snap.snap_id else {
            return Value::Null;
        };
        let state = snapshot_state(planned, server, &snap);
        let remaining = ctx.timeout.saturating_sub(started.elapsed());
        match wait_completed(ctx, server, snap_id, remaining).await {
            Ok(done) => snapshot_state(&state, server, &done),
            Err(e) => {
                wait_error_diag(
                    diags,
                    &format!("Snapshot {snap_id} of {brand} server {server} did not complete"),
                    &e,
                    &creds,
                );
                state
            }
        }
    }

    async fn read(
        &self,
        ctx: &Ctx<TerrahostClient>,
        current: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        if current.get("id").as_str() == Some(UNLISTED) {
            return resolve_unlisted(ctx, current)
                .await
                .unwrap_or_else(|| current.clone());
        }
        let (Some(server), Some(snap)) = (id_of(current, "server_id"), id_of(current, "id")) else {
            diags.error(
                "Invalid snapshot state",
                "The state lacks a numeric server_id or id.",
            );
            return current.clone();
        };
        match read_snapshot(&ctx.client, server, snap).await {
            Ok(Some(s)) => snapshot_state(current, server, &s),
            Ok(None) => Value::Null,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!(
                        "Cannot read snapshot {snap} of {} server {server}",
                        self.brand.display()
                    ),
                    &e,
                    &ctx.client.credentials(),
                );
                current.clone()
            }
        }
    }

    async fn update(
        &self,
        _ctx: &Ctx<TerrahostClient>,
        _prior: &Value,
        planned: &Value,
        _diags: &mut Diagnostics,
    ) -> Value {
        settle_unknowns(planned.clone())
    }

    async fn delete(&self, ctx: &Ctx<TerrahostClient>, prior: &Value, diags: &mut Diagnostics) {
        let resolved = resolve_unlisted(ctx, prior).await;
        let prior = resolved.as_ref().unwrap_or(prior);
        let (Some(server), Some(snap)) = (id_of(prior, "server_id"), id_of(prior, "id")) else {
            return;
        };
        match ctx.client.delete_snapshot(server, snap).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => api_error_diag(
                diags,
                &format!(
                    "Cannot delete snapshot {snap} of {} server {server}",
                    self.brand.display()
                ),
                &e,
                &ctx.client.credentials(),
            ),
        }
    }

    fn import_state(&self, id: &str, diags: &mut Diagnostics) -> Value {
        let parts: Vec<&str> = id.trim().split('/').collect();
        let parsed = match parts.as_slice() {
            [server, snap] => server.parse::<i64>().ok().zip(snap.parse::<i64>().ok()),
            _ => None,
        };
        let Some((server, snap)) = parsed else {
            diags.error(
                "Invalid snapshot import id",
                format!("Import needs SERVER_ID/SNAP_ID, e.g. 3523/123, not {id:?}."),
            );
            return Value::Null;
        };
        let mut state = Value::null_object(&schema().block.implied_type());
        state.set("id", snap.to_string());
        state.set("server_id", server.to_string());
        state
    }
}
