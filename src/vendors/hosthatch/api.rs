//! The HostHatch REST client: one function per endpoint of the vendor's API page, each
//! returning wire types from `models.rs` or a typed [`ApiError`].
//!
//! Where the page is silent or contradicts itself, we assume:
//! - cancel is sent as `PUT` (its title), not `POST` (its example);
//! - `invoice_url` is a URL whatever its documented type, kept as text;
//! - `GET /keys/{id}` may answer `state`/`created` in place of `description`/`value`; the key
//!   is then taken from `GET /keys`;
//! - a server whose `state` is `Cancelled` is gone, like one answering 404;
//! - `POST /deploy` and `PUT /servers/{id}/upgrade` each bill, so neither is resent after a
//!   5xx or a lost answer; boot, shutdown and cancel are safe to resend.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{json, Value as Json};

use super::models::{Envelope, Key, Order, Product, Server};
use crate::support::coalesce::Coalescer;
use crate::support::{ApiClient, ApiError, Idempotency, Response};

/// Where credentials come from, for error advice.
pub const CREDENTIALS: &str =
    "the provider's `token` argument or the HOSTHATCH_TOKEN environment variable";

/// The configured client every HostHatch resource and data source uses.
#[derive(Debug)]
pub struct HostHatchClient {
    pub api: ApiClient,
    pub poll_interval: Duration,
    pub reads: CoalescedReads,
}

/// Refresh reads of servers and keys, shared as `GET /servers` and `GET /keys`.
#[derive(Debug, Default)]
pub struct CoalescedReads {
    servers: Coalescer<Server>,
    keys: Coalescer<Key>,
}

/// What `POST /deploy` needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeployRequest {
    pub product: String,
    pub location: String,
    pub billing: String,
    pub image: String,
    pub hostname: String,
    pub ipv6: Option<bool>,
    pub additional_ipv4: Option<i64>,
    pub ssh_keys: Vec<i64>,
}

impl DeployRequest {
    pub fn to_json(&self) -> Json {
        let mut features = serde_json::Map::new();
        if let Some(ipv6) = self.ipv6 {
            features.insert("ipv6".into(), json!(ipv6));
        }
        if let Some(n) = self.additional_ipv4 {
            features.insert("additional-ipv4".into(), json!(n));
        }
        if !self.ssh_keys.is_empty() {
            features.insert("ssh_keys".into(), json!(self.ssh_keys));
        }
        let mut body = json!({
            "product": self.product,
            "location": self.location,
            "billing": self.billing,
            "image": self.image,
            "hostname": self.hostname,
        });
        if !features.is_empty() {
            body["features"] = Json::Object(features);
        }
        body
    }
}

/// The envelope's `data`, or the part of it under `key`.
fn data<T: DeserializeOwned>(response: &Response, key: Option<&str>) -> Result<T, ApiError> {
    let envelope: Envelope = response.json()?;
    let part = match key {
        Some(k) => envelope
            .data
            .get(k)
            .cloned()
            .ok_or_else(|| response.decode_error(format!("no `data.{k}` in the answer")))?,
        None => envelope.data,
    };
    response.decode(part)
}

impl HostHatchClient {
    /// `GET /products` (with `?prices` when asked).
    pub async fn list_products(&self, prices: bool) -> Result<Vec<Product>, ApiError> {
        let path = if prices {
            "/products?prices"
        } else {
            "/products"
        };
        data(&self.api.get(path).await?, Some("products"))
    }

    /// `POST /deploy`. Sent once: a lost answer may still have ordered a billable server.
    pub async fn deploy(&self, request: &DeployRequest) -> Result<Order, ApiError> {
        data(
            &self
                .api
                .post("/deploy", Some(&request.to_json()), Idempotency::Once)
                .await?,
            None,
        )
    }

    /// `GET /servers`.
    pub async fn list_servers(&self) -> Result<Vec<Server>, ApiError> {
        data(&self.api.get("/servers").await?, Some("servers"))
    }

    /// `GET /servers/{id}`.
    pub async fn get_server(&self, id: i64) -> Result<Server, ApiError> {
        data(
            &self.api.get(&format!("/servers/{id}")).await?,
            Some("server"),
        )
    }

    /// [`Self::get_server`] for a refresh: concurrent ones share a `GET /servers`.
    pub async fn read_server(&self, id: i64) -> Result<Server, ApiError> {
        self.reads
            .servers
            .read(
                |s| s.id == id,
                || self.list_servers(),
                || self.get_server(id),
            )
            .await
    }

    /// `GET /servers/{id}/status`: `online`, `offline`, ...
    pub async fn server_status(&self, id: i64) -> Result<String, ApiError> {
        let response = self.api.get(&format!("/servers/{id}/status")).await?;
        let status: Json = data(&response, Some("status"))?;
        crate::support::lenient::value::string_of(&status)
            .ok_or_else(|| response.decode_error("`data.status` is not text"))
    }

    /// `POST /servers/{id}/boot`: asking twice for the same power state is harmless.
    pub async fn boot(&self, id: i64) -> Result<(), ApiError> {
        self.api
            .post(
                &format!("/servers/{id}/boot"),
                None,
                Idempotency::Idempotent,
            )
            .await
            .map(drop)
    }

    /// `POST /servers/{id}/shutdown`.
    pub async fn shutdown(&self, id: i64) -> Result<(), ApiError> {
        self.api
            .post(
                &format!("/servers/{id}/shutdown"),
                None,
                Idempotency::Idempotent,
            )
            .await
            .map(drop)
    }

    /// `PUT /servers/{id}/upgrade`. Sent once: each request generates an invoice.
    pub async fn upgrade(
        &self,
        id: i64,
        product: &str,
        upgrade_disk: bool,
    ) -> Result<Order, ApiError> {
        let body = json!({"product": product, "upgrade_disk": upgrade_disk});
        data(
            &self
                .api
                .put(
                    &format!("/servers/{id}/upgrade"),
                    Some(&body),
                    Idempotency::Once,
                )
                .await?,
            None,
        )
    }

    /// `PUT /servers/{id}/cancel` (the page titles it PUT and shows POST; we send PUT).
    pub async fn cancel(&self, id: i64, reason: &str, immediate: bool) -> Result<(), ApiError> {
        let body = json!({"reason": reason, "immediate": immediate});
        self.api
            .put(
                &format!("/servers/{id}/cancel"),
                Some(&body),
                Idempotency::Idempotent,
            )
            .await
            .map(drop)
    }

    /// `GET /keys`.
    pub async fn list_keys(&self) -> Result<Vec<Key>, ApiError> {
        data(&self.api.get("/keys").await?, Some("keys"))
    }

    /// `GET /keys/{id}`; when the answer lacks `description`/`value` (the page's example shows
    /// `state`/`created` instead), the key is taken from `GET /keys`.
    pub async fn get_key(&self, id: i64) -> Result<Key, ApiError> {
        let key: Key = data(&self.api.get(&format!("/keys/{id}")).await?, Some("key"))?;
        if key.is_complete() {
            return Ok(key);
        }
        let listed = self.list_keys().await?.into_iter().find(|k| k.id == id);
        Ok(listed.unwrap_or(key))
    }

    /// [`Self::get_key`] for a refresh: concurrent ones share a `GET /keys`.
    pub async fn read_key(&self, id: i64) -> Result<Key, ApiError> {
        self.reads
            .keys
            .read(
                |k| k.id == id && k.is_complete(),
                || self.list_keys(),
                || self.get_key(id),
            )
            .await
    }

    /// `POST /keys`.
    pub async fn create_key(
        &self,
        kind: &str,
        description: &str,
        value: &str,
    ) -> Result<Key, ApiError> {
        let body = json!({"type": kind, "description": description, "value": value});
        data(
            &self
                .api
                .post("/keys", Some(&body), Idempotency::Once)
                .await?,
            Some("key"),
        )
    }

    /// `DELETE /keys/{id}`.
    pub async fn delete_key(&self, id: i64) -> Result<(), ApiError> {
        self.api.delete(&format!("/keys/{id}")).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deploy_body_has_the_documented_features() {
        let r = DeployRequest {
            product: "nvme-2gb".into(),
            location: "AMS".into(),
            billing: "monthly".into(),
            image: "almalinux8".into(),
            hostname: "my-new-server".into(),
            ipv6: Some(true),
            additional_ipv4: Some(2),
            ssh_keys: vec![118, 119],
        };
        assert_eq!(
            r.to_json(),
            json!({"product": "nvme-2gb", "location": "AMS", "billing": "monthly", "image": "almalinux8",
                   "hostname": "my-new-server", "features": {"ipv6": true, "additional-ipv4": 2, "ssh_keys": [118, 119]}})
        );
        let plain = DeployRequest {
            ssh_keys: vec![],
            ipv6: None,
            additional_ipv4: None,
            ..r
        };
        assert!(plain.to_json().get("features").is_none());
    }
}
