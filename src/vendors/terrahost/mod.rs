//! The Terrahost and Gigahost providers (one API family, two brands): configuration
//! (username/password with TOTP or a one-time code, or a ready token; endpoint; polling and
//! retry knobs), the shared login session, and the resources and data sources.

pub mod api;
pub mod data_catalogue;
pub mod data_servers;
pub mod ipmi_session;
pub mod ipv4;
#[cfg(test)]
mod lifecycle_tests;
pub mod models;
#[cfg(test)]
mod refresh_tests;
pub mod reverse_dns;
pub mod server;
mod server_ops;
pub mod session;
pub mod snapshot;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::support::provider_args::{
    env_nonempty, max_requests_per_second_attribute, string_arg, Connection, ConnectionDefaults,
};
use crate::support::Auth;
use crate::tfplugin::provider::{DataSource, EphemeralResource, Provider, Resource};
use crate::tfplugin::{AttrPath, Attribute, Block, Check, Diagnostics, Schema, Type, Value};

pub use api::TerrahostClient;
use session::{Code, Credentials, Session};

/// Which vendor of the family a provider talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brand {
    Terrahost,
    Gigahost,
}

/// `type_name!(brand, "snapshot")` is `terrahost_snapshot` or `gigahost_snapshot`.
macro_rules! type_name {
    ($brand:expr, $suffix:literal) => {
        match $brand {
            $crate::vendors::terrahost::Brand::Terrahost => concat!("terrahost_", $suffix),
            $crate::vendors::terrahost::Brand::Gigahost => concat!("gigahost_", $suffix),
        }
    };
}
pub(crate) use type_name;

impl Brand {
    pub fn name(self) -> &'static str {
        match self {
            Brand::Terrahost => "terrahost",
            Brand::Gigahost => "gigahost",
        }
    }

    pub fn display(self) -> &'static str {
        match self {
            Brand::Terrahost => "Terrahost",
            Brand::Gigahost => "Gigahost",
        }
    }

    pub fn default_endpoint(self) -> &'static str {
        match self {
            Brand::Terrahost => "https://api.terrahost.no/api/v3",
            Brand::Gigahost => "https://api.gigahost.no/api/v0",
        }
    }

    pub fn env_prefix(self) -> &'static str {
        match self {
            Brand::Terrahost => "TERRAHOST",
            Brand::Gigahost => "GIGAHOST",
        }
    }

    /// The brand's environment variable ending in `suffix`, e.g. `TERRAHOST_TOKEN`.
    fn env_var(self, suffix: &str) -> String {
        format!("{}_{suffix}", self.env_prefix())
    }
}

/// A provider of the family.
pub struct TerrahostProvider {
    pub brand: Brand,
}

pub fn provider() -> TerrahostProvider {
    TerrahostProvider {
        brand: Brand::Terrahost,
    }
}

pub fn gigahost_provider() -> TerrahostProvider {
    TerrahostProvider {
        brand: Brand::Gigahost,
    }
}

fn config_schema(brand: Brand) -> Schema {
    let (description, env) = match brand {
        Brand::Terrahost => (
            "Manages [Terrahost](https://terrahost.no) servers, snapshots, reverse DNS and IPv4 orders through the Terrahost API (v3). Logs in once per run with username and password (and a TOTP code for 2FA accounts), or uses a ready token.",
            ["TERRAHOST_USERNAME", "TERRAHOST_PASSWORD", "TERRAHOST_OTP_CODE", "TERRAHOST_TOTP_SECRET", "TERRAHOST_TOKEN", "TERRAHOST_ENDPOINT", "TERRAHOST_POLL_INTERVAL", "TERRAHOST_MAX_REQUESTS_PER_SECOND"],
        ),
        Brand::Gigahost => (
            "Manages [Gigahost](https://gigahost.no) servers, snapshots, reverse DNS and IPv4 orders through the Gigahost API (v0). Logs in once per run with username and password (and a TOTP code for 2FA accounts), or uses a ready token.",
            ["GIGAHOST_USERNAME", "GIGAHOST_PASSWORD", "GIGAHOST_OTP_CODE", "GIGAHOST_TOTP_SECRET", "GIGAHOST_TOKEN", "GIGAHOST_ENDPOINT", "GIGAHOST_POLL_INTERVAL", "GIGAHOST_MAX_REQUESTS_PER_SECOND"],
        ),
    };
    Schema::new(
        Block::new(description)
            .attr(Attribute::optional("username", Type::String).env(env[0]).describe("The control panel username. Defaults to the `TERRAHOST_USERNAME` (Gigahost: `GIGAHOST_USERNAME`) environment variable."))
            .attr(Attribute::optional("password", Type::String).sensitive().env(env[1]).describe("The control panel password. Defaults to the `TERRAHOST_PASSWORD` (Gigahost: `GIGAHOST_PASSWORD`) environment variable."))
            .attr(Attribute::optional("otp_code", Type::String).sensitive().env(env[2]).describe("A two-factor code typed in for this run (accounts with 2FA). It is good for one login only; prefer `totp_secret` in automation. Defaults to `TERRAHOST_OTP_CODE` (Gigahost: `GIGAHOST_OTP_CODE`)."))
            .attr(Attribute::optional("totp_secret", Type::String).sensitive().env(env[3]).describe("The base32 TOTP secret of a 2FA account (what the authenticator app was given): the provider computes the RFC 6238 code itself at each login. Defaults to `TERRAHOST_TOTP_SECRET` (Gigahost: `GIGAHOST_TOTP_SECRET`)."))
            .attr(Attribute::optional("token", Type::String).sensitive().env(env[4]).describe("A ready API token, used instead of logging in (it is not renewed when it expires). Defaults to `TERRAHOST_TOKEN` (Gigahost: `GIGAHOST_TOKEN`)."))
            .attr(Attribute::optional("endpoint", Type::String).env(env[5]).check(Check::NonEmpty).describe("Base URL of the API. Defaults to `TERRAHOST_ENDPOINT` (Gigahost: `GIGAHOST_ENDPOINT`), then `https://api.terrahost.no/api/v3` (Terrahost) or `https://api.gigahost.no/api/v0` (Gigahost)."))
            .attr(Attribute::optional("poll_interval", Type::String).env(env[6]).check(Check::Duration).describe("How often to poll while waiting (snapshots, reinstalls, power), as a Go duration (default `\"2s\"`): the shortest pause; pauses grow to a tenth of the time waited (at most 30s). Defaults to `TERRAHOST_POLL_INTERVAL` (Gigahost: `GIGAHOST_POLL_INTERVAL`), then `2s`."))
            .attr(Attribute::optional("max_retries", Type::Number).check(Check::IntRange(0, 100)).describe("How many times a request is retried after a rate limit (429), or after a server error or network failure where that is safe (default 5)."))
            .attr(max_requests_per_second_attribute(env[7]))
            .attr(Attribute::optional("request_timeout", Type::String).check(Check::Duration).describe("How long one HTTP request may take, as a Go duration (default `\"60s\"`).")),
    )
}

impl TerrahostProvider {
    /// An argument from the configuration, else its environment variable.
    fn arg(&self, config: &Value, name: &str, env: &str) -> Option<String> {
        string_arg(config, name).or_else(|| env_nonempty(&self.brand.env_var(env)))
    }

    fn credentials(&self, config: &Value, diags: &mut Diagnostics) -> Option<Credentials> {
        let secret = |v: Option<String>| {
            if let Some(s) = &v {
                crate::tfplugin::log::register_secret(s);
            }
            v
        };
        let token = secret(self.arg(config, "token", "TOKEN"));
        let username = self.arg(config, "username", "USERNAME");
        let password = secret(self.arg(config, "password", "PASSWORD"));
        let otp = secret(self.arg(config, "otp_code", "OTP_CODE"));
        let totp_secret = secret(self.arg(config, "totp_secret", "TOTP_SECRET"));
        let p = self.brand.env_prefix();
        match (username, password, token) {
            (Some(username), Some(password), _) => {
                let code = match (totp_secret, otp) {
                    (Some(s), _) => match crate::support::totp::decode_base32(&s) {
                        Ok(key) => Code::Totp(key),
                        Err(problem) => {
                            diags.attr_error(
                                AttrPath::attr("totp_secret"),
                                "Invalid totp_secret",
                                format!("{problem}."),
                            );
                            return None;
                        }
                    },
                    (None, Some(code)) => Code::Fixed(code),
                    (None, None) => Code::None,
                };
                Some(Credentials::Password {
                    username,
                    password,
                    code,
                })
            }
            (_, _, Some(token)) => Some(Credentials::Token(token)),
            (username, _, None) => {
                let missing = if username.is_none() {
                    "username"
                } else {
                    "password"
                };
                diags.attr_error(
                    AttrPath::attr(missing),
                    format!("Missing {} credentials", self.brand.display()),
                    format!("The provider needs `username` and `password` (plus `totp_secret` or `otp_code` when the account has two-factor authentication), or a `token`: set them in the provider block or through {p}_USERNAME, {p}_PASSWORD, {p}_TOTP_SECRET or {p}_TOKEN."),
                );
                None
            }
        }
    }
}

#[async_trait]
impl Provider for TerrahostProvider {
    type Client = TerrahostClient;

    fn name(&self) -> &'static str {
        self.brand.name()
    }

    fn schema(&self) -> Schema {
        config_schema(self.brand)
    }

    async fn configure(
        &self,
        config: &Value,
        terraform_version: &str,
        stop: CancellationToken,
        diags: &mut Diagnostics,
    ) -> Option<TerrahostClient> {
        if !config.is_wholly_known() {
            return None;
        }
        let credentials = self.credentials(config, diags)?;
        let defaults = ConnectionDefaults {
            endpoint_env: &[&self.brand.env_var("ENDPOINT")],
            endpoint: self.brand.default_endpoint(),
            poll_interval_env: &[&self.brand.env_var("POLL_INTERVAL")],
            request_timeout: Duration::from_secs(60),
            max_requests_per_second_env: &self.brand.env_var("MAX_REQUESTS_PER_SECOND"),
        };
        let connection = Connection::read(config, &defaults, diags)?;
        let settings = connection.http_settings(terraform_version, Auth::None);
        let session = Session::new(settings, credentials, stop);
        Some(TerrahostClient::new(
            self.brand,
            session,
            connection.poll_interval,
        ))
    }

    fn resources(&self) -> Vec<Arc<dyn Resource<TerrahostClient>>> {
        let brand = self.brand;
        vec![
            Arc::new(server::ServerResource { brand }),
            Arc::new(snapshot::SnapshotResource { brand }),
            Arc::new(reverse_dns::ReverseDnsResource { brand }),
            Arc::new(ipv4::Ipv4Resource { brand }),
        ]
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource<TerrahostClient>>> {
        vec![Arc::new(ipmi_session::IpmiSession { brand: self.brand })]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource<TerrahostClient>>> {
        let brand = self.brand;
        let mut all: Vec<Arc<dyn DataSource<TerrahostClient>>> = data_servers::all(brand);
        all.extend(data_catalogue::all(brand));
        all
    }
}

/// The numeric id in a string attribute.
pub fn id_of(state: &Value, name: &str) -> Option<i64> {
    state.get(name).as_str().and_then(|s| s.trim().parse().ok())
}

/// A check that a string attribute holds a whole number.
pub fn numeric_id(value: &Value) -> Result<(), String> {
    match value.as_str() {
        Some(s) if s.trim().parse::<i64>().is_ok_and(|n| n > 0) => Ok(()),
        _ => Err("must be a numeric id (a whole number above 0)".to_string()),
    }
}

/// Replaces every unknown attribute with null: a returned state must be wholly known.
pub fn settle_unknowns(mut state: Value) -> Value {
    if let Value::Object(attrs) = &mut state {
        for v in attrs.values_mut() {
            if v.is_unknown() {
                *v = Value::Null;
            }
        }
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::test_support::object_of;

    fn config(pairs: &[(&str, Value)]) -> Value {
        object_of(&config_schema(Brand::Terrahost), pairs)
    }

    #[tokio::test]
    async fn a_bad_totp_secret_points_at_the_attribute() {
        let mut d = Diagnostics::default();
        let c = config(&[
            ("username", "u".into()),
            ("password", "p".into()),
            ("totp_secret", "not base32!".into()),
        ]);
        assert!(provider()
            .configure(&c, "1.9.0", CancellationToken::new(), &mut d)
            .await
            .is_none());
        assert_eq!(d.0[0].path, Some(AttrPath::attr("totp_secret")));
    }

    #[tokio::test]
    async fn username_and_password_configure_without_calling_the_api() {
        let mut d = Diagnostics::default();
        let c = config(&[
            ("username", "u".into()),
            ("password", "p".into()),
            ("endpoint", "http://127.0.0.1:9".into()),
        ]);
        let client = gigahost_provider()
            .configure(&c, "1.9.0", CancellationToken::new(), &mut d)
            .await
            .unwrap();
        assert_eq!(client.session.logins(), 0);
        assert!(d.0.is_empty());
    }

    #[test]
    fn both_brands_name_their_types() {
        assert_eq!(type_name!(Brand::Gigahost, "snapshot"), "gigahost_snapshot");
        assert_eq!(gigahost_provider().name(), "gigahost");
    }
}
