//! The Open Hosting client: one function per endpoint, in JSON mode, returning [`Props`]
//! objects or a typed [`ApiError`] whose message starts with the `X-Elastic-Error` class.
//!
//! Idempotency: creates are sent once (a lost answer may still have made a billable drive or
//! server); `set`, `destroy`, power actions and chunk writes at a fixed offset are safe to
//! resend.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Map, Value as Json};

use super::models::{props_list, Props};
use super::upload::UploadSettings;
use super::upload_extents::Encoding;
use crate::support::coalesce::Coalescer;
use crate::support::{ApiClient, ApiError, Body, Idempotency, Response};

/// Where credentials come from, for error advice.
pub const CREDENTIALS: &str =
    "the provider's `user_uuid`/`api_key`, OPENHOSTING_USER_UUID/OPENHOSTING_API_KEY or OHAUTH";

/// The configured client every Open Hosting resource and data source uses.
#[derive(Debug)]
pub struct OpenHostingClient {
    pub api: ApiClient,
    pub poll_interval: Duration,
    pub upload: UploadSettings,
    pub reads: CoalescedReads,
}

/// Refresh reads of drives and servers, shared as `GET /drives/info` and `GET /servers/info`.
#[derive(Debug, Default)]
pub struct CoalescedReads {
    drives: Coalescer<Props>,
    servers: Coalescer<Props>,
}

fn object(response: &Response) -> Result<Props, ApiError> {
    let json = response.json_value()?;
    // Some answers to a single-object request come as a one-element list.
    let json = match json {
        Json::Array(mut items) if items.len() == 1 => items.remove(0),
        other => other,
    };
    let props = Props::from_json(json)
        .ok_or_else(|| response.decode_error("expected a JSON object of properties"))?;
    // Every drive, server and network resource names itself; an answer that does not is
    // no object (an error page or envelope that happens to be JSON).
    if !OBJECT_IDS.iter().any(|key| props.id(key).is_some()) {
        return Err(response.decode_error("the object has no `drive`, `server` or `resource` id"));
    }
    Ok(props)
}

const OBJECT_IDS: [&str; 3] = ["drive", "server", "resource"];

/// A list answer; an empty body is an error, not an empty list (JSON mode answers `[]`), so
/// a broken answer never makes live objects look gone.
fn objects(response: &Response) -> Result<Vec<Props>, ApiError> {
    props_list(response.json_value()?).map_err(|m| response.decode_error(m))
}

/// Network resource kinds (`/resources/TYPE/...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    Ip,
    Vlan,
}

impl ResourceKind {
    pub fn path(self) -> &'static str {
        match self {
            ResourceKind::Ip => "ip",
            ResourceKind::Vlan => "vlan",
        }
    }
}

impl OpenHostingClient {
    async fn post_props(
        &self,
        path: &str,
        body: &Map<String, Json>,
        idempotency: Idempotency,
    ) -> Result<Props, ApiError> {
        object(
            &self
                .api
                .post(path, Some(&Json::Object(body.clone())), idempotency)
                .await?,
        )
    }

    async fn post_empty(&self, path: &str) -> Result<(), ApiError> {
        self.api
            .send_body(Method::POST, path, Body::None, Idempotency::Idempotent)
            .await
            .map(drop)
    }

    // Drives.

    pub async fn drive_info(&self, uuid: &str) -> Result<Props, ApiError> {
        object(&self.api.get(&format!("/drives/{uuid}/info")).await?)
    }

    pub async fn drives_info(&self) -> Result<Vec<Props>, ApiError> {
        objects(&self.api.get("/drives/info").await?)
    }

    /// [`Self::drive_info`] for a refresh: concurrent ones share a `GET /drives/info`.
    pub async fn read_drive(&self, uuid: &str) -> Result<Props, ApiError> {
        self.reads
            .drives
            .read(
                |p| p.id("drive").as_deref() == Some(uuid),
                || self.drives_info(),
                || self.drive_info(uuid),
            )
            .await
    }

    pub async fn create_drive(&self, body: &Map<String, Json>) -> Result<Props, ApiError> {
        self.post_props("/drives/create", body, Idempotency::Once)
            .await
    }

    pub async fn set_drive(&self, uuid: &str, body: &Map<String, Json>) -> Result<Props, ApiError> {
        self.post_props(
            &format!("/drives/{uuid}/set"),
            body,
            Idempotency::Idempotent,
        )
        .await
    }

    pub async fn destroy_drive(&self, uuid: &str) -> Result<(), ApiError> {
        self.post_empty(&format!("/drives/{uuid}/destroy")).await
    }

    /// `POST /drives/DRIVE/image/SOURCE[/CONVERSION]`: starts imaging, answers at once.
    pub async fn image_drive(
        &self,
        uuid: &str,
        source: &str,
        conversion: Option<&str>,
    ) -> Result<(), ApiError> {
        let path = match conversion {
            Some(c) => format!("/drives/{uuid}/image/{source}/{c}"),
            None => format!("/drives/{uuid}/image/{source}"),
        };
        self.api
            .send_body(Method::POST, &path, Body::None, Idempotency::Once)
            .await
            .map(drop)
    }

    /// `POST /drives/DRIVE/write/OFFSET` with bytes raw or gzip-encoded; resent on 5xx.
    pub async fn write_chunk(
        &self,
        uuid: &str,
        offset: u64,
        bytes: &[u8],
        encoding: Encoding,
    ) -> Result<(), ApiError> {
        let path = format!("/drives/{uuid}/write/{offset}");
        let content_encoding = match encoding {
            Encoding::Gzip => Some("gzip"),
            Encoding::Raw => None,
        };
        self.api
            .send_body(
                Method::POST,
                &path,
                Body::Bytes(bytes, content_encoding),
                Idempotency::Idempotent,
            )
            .await
            .map(drop)
    }

    // Servers.

    pub async fn server_info(&self, uuid: &str) -> Result<Props, ApiError> {
        object(&self.api.get(&format!("/servers/{uuid}/info")).await?)
    }

    pub async fn servers_info(&self) -> Result<Vec<Props>, ApiError> {
        objects(&self.api.get("/servers/info").await?)
    }

    /// [`Self::server_info`] for a refresh: concurrent ones share a `GET /servers/info`.
    pub async fn read_server(&self, uuid: &str) -> Result<Props, ApiError> {
        self.reads
            .servers
            .read(
                |p| p.id("server").as_deref() == Some(uuid),
                || self.servers_info(),
                || self.server_info(uuid),
            )
            .await
    }

    pub async fn create_server(
        &self,
        body: &Map<String, Json>,
        start: bool,
    ) -> Result<Props, ApiError> {
        let path = if start {
            "/servers/create"
        } else {
            "/servers/create/stopped"
        };
        self.post_props(path, body, Idempotency::Once).await
    }

    pub async fn set_server(
        &self,
        uuid: &str,
        body: &Map<String, Json>,
    ) -> Result<Props, ApiError> {
        self.post_props(
            &format!("/servers/{uuid}/set"),
            body,
            Idempotency::Idempotent,
        )
        .await
    }

    /// `start`, `stop`, `shutdown`, `reset` or `destroy`.
    pub async fn server_action(&self, uuid: &str, action: &str) -> Result<(), ApiError> {
        self.post_empty(&format!("/servers/{uuid}/{action}")).await
    }

    // Static IPs and VLANs.

    pub async fn resource_info(&self, kind: ResourceKind, id: &str) -> Result<Props, ApiError> {
        object(
            &self
                .api
                .get(&format!("/resources/{}/{id}/info", kind.path()))
                .await?,
        )
    }

    pub async fn resources_info(&self, kind: ResourceKind) -> Result<Vec<Props>, ApiError> {
        let all = objects(&self.api.get("/resources/info").await?)?;
        Ok(all
            .into_iter()
            .filter(|p| p.text("type").as_deref() == Some(kind.path()))
            .collect())
    }

    pub async fn create_resource(
        &self,
        kind: ResourceKind,
        body: &Map<String, Json>,
    ) -> Result<Props, ApiError> {
        self.post_props(
            &format!("/resources/{}/create", kind.path()),
            body,
            Idempotency::Once,
        )
        .await
    }

    pub async fn set_resource(
        &self,
        kind: ResourceKind,
        id: &str,
        body: &Map<String, Json>,
    ) -> Result<Props, ApiError> {
        self.post_props(
            &format!("/resources/{}/{id}/set", kind.path()),
            body,
            Idempotency::Idempotent,
        )
        .await
    }

    pub async fn destroy_resource(&self, kind: ResourceKind, id: &str) -> Result<(), ApiError> {
        self.post_empty(&format!("/resources/{}/{id}/destroy", kind.path()))
            .await
    }
}
