//! Clients of each vendor against the in-process simulator, with quick polls and retries, for
//! the drift, orphan and wait tests.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::sim::terrahost::model::{DEFAULT_PASSWORD, DEFAULT_TOTP_SECRET, DEFAULT_USERNAME};
use crate::support::{Auth, HttpSettings};
use crate::vendors::hoster::api::HosterClient;
use crate::vendors::hosthatch::HostHatchClient;
use crate::vendors::openhosting::api::OpenHostingClient;
use crate::vendors::openhosting::upload::UploadSettings;
use crate::vendors::terrahost::api::TerrahostClient;
use crate::vendors::terrahost::session::{Code, Credentials, Session};
use crate::vendors::terrahost::Brand;
use crate::vendors::test_support::{Sim, TOKEN};
use crate::vendors::{hoster, hosthatch, openhosting};

pub fn hosthatch(sim: &Sim) -> Arc<HostHatchClient> {
    let settings = sim.http_settings("/hosthatch/api/v1", Auth::Bearer(TOKEN.into()));
    Arc::new(HostHatchClient {
        api: Sim::api(settings).with_error_parser(hosthatch::models::error_message),
        poll_interval: Duration::from_millis(5),
        reads: Default::default(),
    })
}

pub fn hoster(sim: &Sim) -> Arc<HosterClient> {
    let settings = sim.http_settings("/hoster/api/v1", Auth::Bearer(TOKEN.into()));
    Arc::new(HosterClient {
        api: Sim::api(settings).with_error_parser(hoster::models::error_message),
        poll_interval: Duration::from_millis(5),
        order_lock: Default::default(),
    })
}

pub fn openhosting(sim: &Sim) -> Arc<OpenHostingClient> {
    let auth = Auth::Basic(
        crate::sim::openhosting::model::SIM_USER.into(),
        TOKEN.into(),
    );
    let settings = HttpSettings {
        request_timeout: Duration::from_secs(10),
        ..sim.http_settings("/openhosting", auth)
    };
    Arc::new(OpenHostingClient {
        api: Sim::api(settings)
            .with_error_parser(openhosting::models::error_message)
            .with_error_class_header("X-Elastic-Error"),
        poll_interval: Duration::from_millis(5),
        upload: UploadSettings {
            chunk_size: 64 << 10,
            concurrency: 2,
        },
        reads: Default::default(),
    })
}

/// A Terrahost or Gigahost client logging in with the seeded account and its TOTP secret.
pub fn terrahost(sim: &Sim, prefix: &str, brand: Brand) -> Arc<TerrahostClient> {
    let credentials = Credentials::Password {
        username: DEFAULT_USERNAME.into(),
        password: DEFAULT_PASSWORD.into(),
        code: Code::Totp(crate::support::totp::decode_base32(DEFAULT_TOTP_SECRET).unwrap()),
    };
    let session = Session::new(
        sim.http_settings(prefix, Auth::None),
        credentials,
        CancellationToken::new(),
    )
    .with_backoff_base(Duration::from_millis(1));
    Arc::new(TerrahostClient::new(
        brand,
        session,
        Duration::from_millis(5),
    ))
}
