//! `hostform-sim`: runs the vendor API simulator on a local address until SIGINT/SIGTERM.
//!
//! Prints exactly one line to stdout once bound (`hostform-sim listening on http://ADDR`),
//! then logs one line per request (method, path, status) to stderr.

use std::io::Write;

use anyhow::Context;
use clap::Parser;
use hostform::sim::{self, SimConfig};

/// Simulator of the hosting vendor APIs that the hostform Terraform providers talk to.
///
/// Every vendor is served on one address under its own prefix, and the admin API (reset,
/// state, faults, time, out-of-band changes) under http://ADDR/_sim/. State is kept in memory
/// unless --state-file is given. See docs/guides/simulator-in-ci.md.
#[derive(Debug, Parser)]
#[command(name = "hostform-sim", version, after_long_help = VENDOR_HELP)]
struct Flags {
    /// Address to listen on; use 127.0.0.1:0 to pick a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8765")]
    listen: String,

    /// Virtual seconds per real second: provisioning that takes 60 virtual seconds
    /// finishes in 6 real seconds at the default of 10.
    #[arg(long, value_name = "F", default_value_t = 10.0)]
    time_scale: f64,

    /// The bearer token the simulated vendors accept (Open Hosting: the Basic auth password
    /// of user 6f70656e-686f-4000-8000-000000000001).
    #[arg(
        long,
        value_name = "T",
        env = "HOSTFORM_SIM_TOKEN",
        default_value = "hostform-sim-token",
        hide_env_values = true
    )]
    token: String,

    /// Keep the simulated objects and virtual time in this JSON file: loaded at start when it
    /// exists, saved after every changing request and at shutdown. Faults and request counters
    /// are not kept.
    #[arg(long, value_name = "PATH")]
    state_file: Option<std::path::PathBuf>,

    /// Replace the vendors' catalogues (products, images, locations, templates, market,
    /// operating systems) with the lists in this JSON file; see the guide for its format.
    #[arg(long, value_name = "PATH")]
    fixtures: Option<std::path::PathBuf>,

    /// The username the simulated Terrahost and Gigahost accounts accept.
    #[arg(long, value_name = "U", env = "HOSTFORM_SIM_TERRAHOST_USERNAME", default_value = hostform::sim::terrahost::model::DEFAULT_USERNAME)]
    terrahost_username: String,

    /// Their password.
    #[arg(long, value_name = "P", env = "HOSTFORM_SIM_TERRAHOST_PASSWORD", default_value = hostform::sim::terrahost::model::DEFAULT_PASSWORD, hide_env_values = true)]
    terrahost_password: String,

    /// Their base32 TOTP secret (2FA); an empty value turns 2FA off.
    #[arg(long, value_name = "S", env = "HOSTFORM_SIM_TERRAHOST_TOTP_SECRET", default_value = hostform::sim::terrahost::model::DEFAULT_TOTP_SECRET, hide_env_values = true)]
    terrahost_totp_secret: String,
}

/// How to point each provider at the simulator (default address and credentials).
const VENDOR_HELP: &str = "\
Pointing the providers at it (default address and credentials):
  hosthatch    HOSTHATCH_ENDPOINT=http://127.0.0.1:8765/hosthatch/api/v1
               HOSTHATCH_TOKEN=hostform-sim-token
  hoster       HOSTER_ENDPOINT=http://127.0.0.1:8765/hoster/api/v1
               HOSTER_TOKEN=hostform-sim-token
  openhosting  OPENHOSTING_ENDPOINT=http://127.0.0.1:8765/openhosting
               OPENHOSTING_USER_UUID=6f70656e-686f-4000-8000-000000000001
               OPENHOSTING_API_KEY=hostform-sim-token
  terrahost    TERRAHOST_ENDPOINT=http://127.0.0.1:8765/terrahost/api/v3
               TERRAHOST_USERNAME=hostform TERRAHOST_PASSWORD=hostform-sim-password
               TERRAHOST_TOTP_SECRET=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
  gigahost     the same with GIGAHOST_ and http://127.0.0.1:8765/gigahost/api/v0

Admin API: GET /_sim/state, GET /_sim/empty, POST /_sim/reset, GET|POST|DELETE /_sim/faults,
GET /_sim/stats, GET|POST /_sim/time.";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let flags = Flags::parse();
    if !(flags.time_scale.is_finite() && flags.time_scale > 0.0) {
        anyhow::bail!("--time-scale must be a positive number");
    }
    let fixtures = flags
        .fixtures
        .as_deref()
        .map(sim::fixtures::Fixtures::read)
        .transpose()?;
    let state = sim::persist::open(SimConfig {
        time_scale: flags.time_scale,
        token: flags.token,
        log_requests: true,
        state_file: flags.state_file,
    })?;
    if let Some(fixtures) = fixtures {
        fixtures.apply(&state);
    }
    let listener = tokio::net::TcpListener::bind(&flags.listen)
        .await
        .with_context(|| format!("cannot listen on {}", flags.listen))?;
    let address = listener.local_addr().context("no local address")?;
    let credentials = sim::terrahost::model::Credentials {
        username: flags.terrahost_username,
        password: flags.terrahost_password,
        totp_secret: Some(flags.terrahost_totp_secret).filter(|s| !s.trim().is_empty()),
    };
    for vendor in [
        sim::terrahost::Vendor::Terrahost,
        sim::terrahost::Vendor::Gigahost,
    ] {
        sim::terrahost::store_of(&state, vendor).credentials = credentials.clone();
    }
    // Saving once before listening turns an unwritable --state-file into a start-up error.
    sim::persist::save(&state)?;
    let shutdown = shutdown_signal();
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "hostform-sim listening on http://{address}")?;
    stdout.flush()?;
    drop(stdout);
    sim::run(listener, state.clone(), shutdown).await?;
    sim::persist::save(&state)?;
    Ok(())
}

/// Starts listening for SIGINT (Ctrl-C) and, on Unix, SIGTERM at once (so a signal that comes
/// right after the listen line is not lost); the future completes on the first of them.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            tokio::select! {
                () = until(interrupt) => {}
                () = until(terminate) => {}
            }
        }
    };
    #[cfg(not(unix))]
    let signals = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    async move {
        signals.await;
        eprintln!("hostform-sim: shutting down");
    }
}

/// Completes when `registered` delivers a signal; never if it could not be registered.
#[cfg(unix)]
async fn until(registered: std::io::Result<tokio::signal::unix::Signal>) {
    match registered {
        Ok(mut signal) => {
            signal.recv().await;
        }
        Err(_) => std::future::pending::<()>().await,
    }
}
