//! The login session one provider process shares: `POST /authenticate` once (username,
//! password and, for 2FA accounts, a code typed in or computed from the TOTP secret), the token
//! shared by every concurrent request behind a mutex, a new login shortly before
//! `token_expire`, and exactly one new login and retry when a request answers 401.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value as Json};
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use super::models::{error_message, Envelope, Login as LoginData};
use crate::support::totp;
use crate::support::{ApiClient, ApiError, Auth, HttpSettings, Idempotency, Response};

/// Log in again this long before the token's announced expiry.
pub const RENEW_MARGIN_SECS: i64 = 60;

/// How the provider proves who it is.
#[derive(Clone)]
pub enum Credentials {
    /// A ready token: no login, no renewal.
    Token(String),
    Password {
        username: String,
        password: String,
        code: Code,
    },
}

/// Where a 2FA code comes from.
#[derive(Clone)]
pub enum Code {
    None,
    /// Typed in: good for one login only.
    Fixed(String),
    /// Computed at each login from the decoded TOTP secret.
    Totp(Vec<u8>),
}

struct Authed {
    api: ApiClient,
    expires_unix: Option<i64>,
    serial: u64,
    obtained: std::time::Instant,
}

/// A token this young is used even when its expiry looks past: a clock skewed against the
/// vendor's must not make every request log in again (a 401 still does).
const MIN_TOKEN_USE: Duration = Duration::from_secs(30);

/// A logged-in (or not yet logged-in) connection to one vendor endpoint.
pub struct Session {
    settings: HttpSettings,
    credentials: Credentials,
    cancel: CancellationToken,
    backoff_base: Duration,
    current: Mutex<Option<Arc<Authed>>>,
    serials: AtomicU64,
    logins: AtomicU32,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("endpoint", &self.settings.endpoint)
            .finish()
    }
}

impl Session {
    /// `settings.auth` is ignored: the session supplies the bearer token.
    pub fn new(
        settings: HttpSettings,
        credentials: Credentials,
        cancel: CancellationToken,
    ) -> Session {
        Session {
            settings,
            credentials,
            cancel,
            backoff_base: Duration::from_millis(500),
            current: Mutex::new(None),
            serials: AtomicU64::new(0),
            logins: AtomicU32::new(0),
        }
    }

    /// Fires when Terraform asks the provider to stop.
    pub fn stop_token(&self) -> &CancellationToken {
        &self.cancel
    }

    /// Shortens retry pauses (tests).
    pub fn with_backoff_base(mut self, base: Duration) -> Session {
        self.backoff_base = base;
        self
    }

    /// How many logins this session has made.
    pub fn logins(&self) -> u32 {
        self.logins.load(Ordering::SeqCst)
    }

    fn client(&self, auth: Auth) -> Result<ApiClient, ApiError> {
        let settings = HttpSettings {
            auth,
            ..self.settings.clone()
        };
        Ok(ApiClient::new(settings)?
            .with_error_parser(error_message)
            .with_cancel(self.cancel.clone())
            .with_backoff_base(self.backoff_base))
    }

    /// The current login, logging in first when there is none or it is about to expire.
    async fn authed(&self) -> Result<Arc<Authed>, ApiError> {
        let mut current = self.current.lock().await;
        if let Some(a) = current.as_ref() {
            let fresh = a.obtained.elapsed() < MIN_TOKEN_USE
                || a.expires_unix
                    .is_none_or(|at| totp::unix_now() as i64 + RENEW_MARGIN_SECS < at);
            if fresh {
                return Ok(a.clone());
            }
            log::debug!("the API token expires within {RENEW_MARGIN_SECS} s: logging in again");
        }
        let fresh = Arc::new(self.login().await?);
        *current = Some(fresh.clone());
        Ok(fresh)
    }

    /// Drops the login numbered `serial` (after a 401), unless another request already has.
    async fn forget(&self, serial: u64) {
        let mut current = self.current.lock().await;
        if current.as_ref().is_some_and(|a| a.serial == serial) {
            *current = None;
        }
    }

    async fn login(&self) -> Result<Authed, ApiError> {
        let serial = self.serials.fetch_add(1, Ordering::SeqCst) + 1;
        let (username, password, code) = match &self.credentials {
            Credentials::Token(token) => {
                return Ok(Authed {
                    api: self.client(Auth::Bearer(token.clone()))?,
                    expires_unix: None,
                    serial,
                    obtained: std::time::Instant::now(),
                })
            }
            Credentials::Password {
                username,
                password,
                code,
            } => (username, password, code),
        };
        let mut body = json!({ "username": username, "password": password });
        match code {
            Code::None => {}
            Code::Fixed(code) => body["code"] = Json::from(code.clone()),
            Code::Totp(key) => body["code"] = Json::from(totp::totp_now(key)),
        }
        let response = self
            .client(Auth::None)?
            .post("/authenticate", Some(&body), Idempotency::Idempotent)
            .await?;
        self.logins.fetch_add(1, Ordering::SeqCst);
        let envelope: Envelope = response.json()?;
        let data: LoginData = response.decode(envelope.data)?;
        let Some(token) = data.token.filter(|t| !t.trim().is_empty()) else {
            return Err(response.decode_error("no `data.token` in the answer"));
        };
        crate::tfplugin::log::register_secret(&token);
        log::debug!("logged in; token expires at {:?}", data.token_expire);
        Ok(Authed {
            api: self.client(Auth::Bearer(token))?,
            expires_unix: data.token_expire,
            serial,
            obtained: std::time::Instant::now(),
        })
    }

    /// Sends a request with the shared token; on 401, logs in once more and resends once.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Json>,
        idempotency: Idempotency,
    ) -> Result<Response, ApiError> {
        let authed = self.authed().await?;
        match authed
            .api
            .send(method.clone(), path, body, idempotency)
            .await
        {
            Err(e)
                if e.status() == Some(401)
                    && matches!(self.credentials, Credentials::Password { .. }) =>
            {
                log::debug!("{} answered 401: logging in again once", e.request());
                self.forget(authed.serial).await;
                let again = self.authed().await?;
                again.api.send(method, path, body, idempotency).await
            }
            other => other,
        }
    }

    pub async fn get(&self, path: &str) -> Result<Response, ApiError> {
        self.send(Method::GET, path, None, Idempotency::Idempotent)
            .await
    }
}
