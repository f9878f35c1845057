//! The Terrahost/Gigahost REST client: one function per endpoint the resources and data
//! sources use, each returning wire types from `models.rs` or a typed [`ApiError`].
//!
//! Power actions are GETs, `powerstate` sits in `meta`, snapshot creation returns no id, a
//! server detail is a one-element list. Snapshot creation, reinstall, upgrade and IPv4 orders
//! are sent once (never resent after a 5xx or a lost answer): they bill or destroy data.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Value as Json};

use super::models::{Envelope, Server, Snapshot};
use super::session::Session;
use super::Brand;
use crate::support::coalesce::CoalescerPerKey;
use crate::support::wait::read_until_found;
use crate::support::{ApiError, Idempotency, Response};

/// The configured client every resource and data source of one provider uses.
#[derive(Debug)]
pub struct TerrahostClient {
    pub brand: Brand,
    pub session: Session,
    pub poll_interval: Duration,
    /// Reads that must all miss an object before it counts as gone.
    pub absence_reads: u32,
    /// One lock per server: snapshot creations of a server are found by name, one at a time.
    snapshot_locks: tokio::sync::Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
    /// Refresh reads of snapshots, shared per server as `GET /servers/{id}/snapshots`.
    pub snapshot_reads: CoalescerPerKey<i64, Snapshot>,
}

/// Where a reverse DNS record lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReverseTarget {
    Ip(i64),
    Subnet(i64),
}

/// What `POST /servers/{id}/reinstall` needs.
#[derive(Debug, Clone)]
pub struct Reinstall {
    pub os_id: i64,
    pub hostname: String,
    pub language: String,
    pub keyboard: String,
    pub timezone: String,
}

/// The answer's envelope; one whose `meta.status` reports an error (an HTTP error code or
/// `"error"`) is an error even when the answer came with 200.
fn envelope(response: &Response) -> Result<Envelope, ApiError> {
    let envelope: Envelope = response.json()?;
    let status = &envelope.meta["status"];
    let failed = crate::support::lenient::value::i64_of(status).is_some_and(|code| code >= 400)
        || status
            .as_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("error"));
    if failed {
        return Err(response.decode_error("the envelope reports an error"));
    }
    Ok(envelope)
}

fn data<T: DeserializeOwned>(response: &Response) -> Result<T, ApiError> {
    let envelope = envelope(response)?;
    response.decode(envelope.data)
}

/// `data` as a list; `null` is empty.
fn data_list<T: DeserializeOwned>(response: &Response) -> Result<Vec<T>, ApiError> {
    let envelope = envelope(response)?;
    match envelope.data {
        Json::Null => Ok(Vec::new()),
        Json::Array(items) => items.into_iter().map(|i| response.decode(i)).collect(),
        Json::Object(m) => m.into_iter().map(|(_, i)| response.decode(i)).collect(),
        other => Err(response.decode_error(format!("`data` is not a list: {other}"))),
    }
}

impl TerrahostClient {
    pub fn new(brand: Brand, session: Session, poll_interval: Duration) -> TerrahostClient {
        TerrahostClient {
            brand,
            session,
            poll_interval,
            absence_reads: 3,
            snapshot_locks: Default::default(),
            snapshot_reads: Default::default(),
        }
    }

    /// Credentials advice for error diagnostics.
    pub fn credentials(&self) -> String {
        let p = self.brand.env_prefix();
        format!("the provider's `username`/`password` (+ `totp_secret` or `otp_code`) or `token` arguments, or {p}_USERNAME, {p}_PASSWORD, {p}_TOTP_SECRET, {p}_TOKEN")
    }

    pub async fn snapshot_lock(&self, server: i64) -> Arc<tokio::sync::Mutex<()>> {
        self.snapshot_locks
            .lock()
            .await
            .entry(server)
            .or_default()
            .clone()
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Json,
        once: bool,
    ) -> Result<Response, ApiError> {
        let idempotency = if once {
            Idempotency::Once
        } else {
            Idempotency::Idempotent
        };
        self.session
            .send(method, path, Some(&body), idempotency)
            .await
    }

    /// `GET /servers`.
    pub async fn list_servers(&self) -> Result<Vec<Server>, ApiError> {
        data_list(&self.session.get("/servers").await?)
    }

    /// `GET /servers/{id}`; `None` when it answers 404.
    pub async fn get_server(&self, id: i64) -> Result<Option<Server>, ApiError> {
        let response = match self.session.get(&format!("/servers/{id}")).await {
            Err(e) if e.is_not_found() => return Ok(None),
            other => other?,
        };
        let servers: Vec<Server> = match envelope(&response)?.data {
            Json::Object(m) => vec![response.decode(Json::Object(m))?],
            _ => data_list(&response)?,
        };
        Ok(servers
            .into_iter()
            .find(|s| s.srv_id == Some(id))
            .filter(|s| !s.is_deleted()))
    }

    /// `GET /servers/{id}`, a missing server confirmed by [`Self::absence_reads`] reads in a
    /// row (the list has been seen to leave out live servers for a while).
    pub async fn get_server_confirmed(&self, id: i64) -> Result<Option<Server>, ApiError> {
        read_until_found(
            self.absence_reads,
            |attempt| self.poll_interval * (attempt + 1),
            self.session.stop_token(),
            &format!("the read confirming server {id} is gone"),
            |attempt| async move {
                let server = self.get_server(id).await?;
                if server.is_none() {
                    log::debug!(
                        "server {id} not found (read {} of {})",
                        attempt + 1,
                        self.absence_reads
                    );
                }
                Ok(server)
            },
        )
        .await
    }

    /// `PUT /servers/{id}/name`.
    pub async fn rename(&self, id: i64, name: &str) -> Result<(), ApiError> {
        self.send(
            Method::PUT,
            &format!("/servers/{id}/name"),
            json!({ "name": name }),
            false,
        )
        .await
        .map(drop)
    }

    /// `GET /servers/{id}/powerstate`: `meta.powerstate`.
    pub async fn powerstate(&self, id: i64) -> Result<Option<bool>, ApiError> {
        let response = self
            .session
            .get(&format!("/servers/{id}/powerstate"))
            .await?;
        let meta = envelope(&response)?.meta;
        Ok(meta
            .get("powerstate")
            .and_then(crate::support::lenient::value::bool_of))
    }

    /// `GET /servers/{id}/power/on|off`.
    pub async fn power(&self, id: i64, on: bool) -> Result<(), ApiError> {
        let action = if on { "on" } else { "off" };
        self.session
            .get(&format!("/servers/{id}/power/{action}"))
            .await
            .map(drop)
    }

    /// `POST /servers/{id}/reinstall`: the new root password from `meta.root_passwd`.
    pub async fn reinstall(&self, id: i64, r: &Reinstall) -> Result<Option<String>, ApiError> {
        let body = json!({
            "os_id": r.os_id, "hostname": r.hostname, "language": r.language,
            "keyboard": r.keyboard, "timezone": r.timezone,
        });
        let response = self
            .send(
                Method::POST,
                &format!("/servers/{id}/reinstall"),
                body,
                true,
            )
            .await?;
        let meta = envelope(&response)?.meta;
        let password = meta
            .get("root_passwd")
            .and_then(crate::support::lenient::value::string_of);
        if let Some(p) = &password {
            crate::tfplugin::log::register_secret(p);
        }
        Ok(password)
    }

    /// `POST /servers/{id}/upgrade`.
    pub async fn upgrade(&self, id: i64, package: i64) -> Result<(), ApiError> {
        self.send(
            Method::POST,
            &format!("/servers/{id}/upgrade"),
            json!({ "pkg_id": package }),
            true,
        )
        .await
        .map(drop)
    }

    /// `GET /servers/{id}/upgrade`: the packages the server can move to, as raw records.
    pub async fn upgrade_packages(&self, id: i64) -> Result<Vec<Json>, ApiError> {
        data_list(&self.session.get(&format!("/servers/{id}/upgrade")).await?)
    }

    /// `GET /servers/{id}/isos`.
    pub async fn isos(&self, id: i64) -> Result<Vec<Json>, ApiError> {
        data_list(&self.session.get(&format!("/servers/{id}/isos")).await?)
    }

    /// `POST /servers/{id}/isos` with `iso_id` (`"0"` unmounts, an assumption).
    pub async fn mount_iso(&self, id: i64, iso: &str) -> Result<(), ApiError> {
        self.send(
            Method::POST,
            &format!("/servers/{id}/isos"),
            json!({ "iso_id": iso }),
            false,
        )
        .await
        .map(drop)
    }

    /// `GET /servers/{id}/snapshots`.
    pub async fn list_snapshots(&self, server: i64) -> Result<Vec<Snapshot>, ApiError> {
        data_list(
            &self
                .session
                .get(&format!("/servers/{server}/snapshots"))
                .await?,
        )
    }

    /// `POST /servers/{id}/snapshot`: the answer has no id.
    pub async fn create_snapshot(&self, server: i64, name: &str) -> Result<(), ApiError> {
        let response = self
            .send(
                Method::POST,
                &format!("/servers/{server}/snapshot"),
                json!({ "name": name }),
                true,
            )
            .await?;
        if !envelope(&response)?.meta.is_object() {
            return Err(response.decode_error("the answer has no `meta` object"));
        }
        Ok(())
    }

    /// `DELETE /servers/{id}/snapshot/{snap_id}`.
    pub async fn delete_snapshot(&self, server: i64, snap: i64) -> Result<(), ApiError> {
        self.session
            .send(
                Method::DELETE,
                &format!("/servers/{server}/snapshot/{snap}"),
                None,
                Idempotency::Idempotent,
            )
            .await
            .map(drop)
    }

    /// `PUT /servers/{id}/reverse`.
    pub async fn set_reverse(
        &self,
        server: i64,
        target: ReverseTarget,
        dns: &str,
    ) -> Result<(), ApiError> {
        let body = match target {
            ReverseTarget::Ip(ip) => json!({ "ip_id": ip, "dns": dns }),
            ReverseTarget::Subnet(sub) => json!({ "sub_id": sub, "dns": dns }),
        };
        self.send(
            Method::PUT,
            &format!("/servers/{server}/reverse"),
            body,
            false,
        )
        .await
        .map(drop)
    }

    /// `POST /servers/{id}/ipv4`: orders (and bills) an address; the answer names none.
    pub async fn order_ipv4(&self, server: i64, ip_type: &str) -> Result<(), ApiError> {
        self.send(
            Method::POST,
            &format!("/servers/{server}/ipv4"),
            json!({ "ip_type": ip_type }),
            true,
        )
        .await
        .map(drop)
    }

    /// `GET /reinstall/distro`.
    pub async fn distributions(&self) -> Result<Vec<Json>, ApiError> {
        data_list(&self.session.get("/reinstall/distro").await?)
    }

    /// `GET /reinstall/distro/{id}`.
    pub async fn operating_systems(&self, distribution: i64) -> Result<Vec<Json>, ApiError> {
        data_list(
            &self
                .session
                .get(&format!("/reinstall/distro/{distribution}"))
                .await?,
        )
    }

    /// `GET /my/account`: the fields sit at the top level, not under `data`.
    pub async fn account(&self) -> Result<Json, ApiError> {
        let response = self.session.get("/my/account").await?;
        let envelope = envelope(&response)?;
        let account = match &envelope.data {
            Json::Object(_) => &envelope.data,
            _ => &response.json_value()?,
        };
        if account.get("cust_id").is_none() {
            return Err(response.decode_error("the account has no `cust_id`"));
        }
        response.json_value()
    }

    /// `POST /servers/{id}/ipmi`.
    pub async fn ipmi(&self, server: i64) -> Result<Json, ApiError> {
        data(
            &self
                .send(
                    Method::POST,
                    &format!("/servers/{server}/ipmi"),
                    json!({}),
                    false,
                )
                .await?,
        )
    }
}
