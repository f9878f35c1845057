//! Open Hosting simulator tests: requests with Basic auth in text/plain or JSON, helpers to
//! create drives and servers and to read `key value` answers.

mod drive_data;
mod drives;
mod faults;
mod imaging;
mod resources;
mod servers;

use std::collections::BTreeMap;

use reqwest::{Method, RequestBuilder};
use serde_json::Value;

use super::{TestSim, TOKEN};
use crate::sim::openhosting::model::SIM_USER;

pub const OH: &str = "/openhosting";

/// An Open Hosting answer: status, headers of interest, raw bytes.
pub struct OhAnswer {
    pub status: u16,
    pub error: Option<String>,
    pub output: Option<String>,
    pub bytes: Vec<u8>,
}

impl OhAnswer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The body as `key value` lines (first object only).
    pub fn props(&self) -> BTreeMap<String, String> {
        parse_props(&self.text())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

/// `key value` lines to a map (keys of a single object).
pub fn parse_props(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (key, value) = line.split_once(' ').unwrap_or((line, ""));
            (key.to_owned(), value.to_owned())
        })
        .collect()
}

impl TestSim {
    /// An authenticated Open Hosting request builder for `path` (relative to `/openhosting`).
    pub fn oh(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{OH}{path}", self.base))
            .basic_auth(SIM_USER, Some(TOKEN))
    }

    pub async fn oh_send(&self, request: RequestBuilder) -> OhAnswer {
        let response = request.send().await.expect("transport");
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let error = header("x-elastic-error");
        let output = header("x-elastic-output");
        let bytes = response.bytes().await.expect("body").to_vec();
        OhAnswer {
            status,
            error,
            output,
            bytes,
        }
    }

    /// GET in text/plain.
    pub async fn oh_get(&self, path: &str) -> OhAnswer {
        self.oh_send(self.oh(Method::GET, path)).await
    }

    /// POST a text/plain body.
    pub async fn oh_post(&self, path: &str, body: &str) -> OhAnswer {
        self.oh_send(self.oh(Method::POST, path).body(body.to_owned()))
            .await
    }

    /// Creates a drive of `size` and returns its UUID.
    pub async fn oh_drive(&self, name: &str, size: &str) -> String {
        let answer = self
            .oh_post("/drives/create", &format!("name {name}\nsize {size}\n"))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.props()["drive"].clone()
    }

    /// A drive's info as a map.
    pub async fn oh_drive_info(&self, uuid: &str) -> BTreeMap<String, String> {
        let answer = self.oh_get(&format!("/drives/{uuid}/info")).await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.props()
    }

    /// Writes raw bytes at `offset`.
    pub async fn oh_write(&self, uuid: &str, offset: u64, data: Vec<u8>) -> OhAnswer {
        self.oh_send(
            self.oh(Method::POST, &format!("/drives/{uuid}/write/{offset}"))
                .header("Content-Type", "application/octet-stream")
                .body(data),
        )
        .await
    }

    /// Reads `len` bytes at `offset`.
    pub async fn oh_read(&self, uuid: &str, offset: u64, len: u64) -> Vec<u8> {
        let answer = self
            .oh_get(&format!("/drives/{uuid}/read/{offset}/{len}"))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.bytes
    }

    /// Creates a server from a text body (`/servers/create` or `/servers/create/stopped`).
    pub async fn oh_server(&self, path: &str, body: &str) -> BTreeMap<String, String> {
        let answer = self.oh_post(path, body).await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.props()
    }
}

/// Gzips `data` in one member.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("gzip");
    encoder.finish().expect("gzip")
}
