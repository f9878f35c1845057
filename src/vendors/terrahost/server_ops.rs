//! Bringing an adopted or managed server to its configuration, one API call per difference:
//! rename, reinstall (then wait for the install flag to clear), package upgrade, ISO mount and
//! power (then wait for the power state). Each step records what it changed, so a failure
//! part-way returns a state that says what really happened.

use tokio::time::Instant;

use super::api::{Reinstall, TerrahostClient};
use super::server::{power_word, server_state};
use super::{id_of, settle_unknowns};
use crate::support::diag::{api_error_diag, wait_error_diag};
use crate::support::{wait_for, ApiError, Poll, WaitSpec};
use crate::tfplugin::provider::Ctx;
use crate::tfplugin::{AttrPath, Diagnostics, Value};

/// Arguments the API never reports: always taken from the plan.
const UNREPORTED: &[&str] = &["language", "keyboard", "timezone", "timeouts"];

fn text<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).as_str()
}

fn spec(ctx: &Ctx<TerrahostClient>, what: String, deadline: Instant) -> WaitSpec {
    WaitSpec {
        what,
        poll_interval: ctx.client.poll_interval,
        timeout: deadline.saturating_duration_since(Instant::now()),
        cancel: ctx.cancel.clone(),
    }
}

/// Applies every difference between `current` and `planned` to server `id`.
pub async fn converge(
    ctx: &Ctx<TerrahostClient>,
    id: i64,
    current: &Value,
    planned: &Value,
    adopting: bool,
    diags: &mut Diagnostics,
) -> Value {
    let deadline = Instant::now() + ctx.timeout;
    let client = &ctx.client;
    let brand = client.brand.display();
    let creds = client.credentials();
    let mut state = current.clone();
    state.set("id", id.to_string());
    state.set("server_id", id.to_string());
    let fail = |state: Value| settle_unknowns(state);

    if let Some(name) = text(planned, "name").filter(|n| Some(*n) != text(current, "name")) {
        if let Err(e) = client.rename(id, name).await {
            api_error_diag(
                diags,
                &format!("Cannot rename {brand} server {id}"),
                &e,
                &creds,
            );
            return fail(state);
        }
        state.set("name", name);
    }

    let settings_changed = ["language", "keyboard", "timezone"]
        .iter()
        .any(|a| !current.get(a).is_null() && !planned.get(a).same_as(current.get(a)));
    let hostname = text(planned, "hostname")
        .or(text(current, "hostname"))
        .unwrap_or_default()
        .to_string();
    let reinstall = match id_of(planned, "os_id") {
        Some(os)
            if Some(os) != id_of(current, "os_id")
                || Some(hostname.as_str()) != text(current, "hostname")
                || settings_changed =>
        {
            Some(os)
        }
        _ => None,
    };
    for name in UNREPORTED {
        state.set(name, planned.get(name).clone());
    }
    if let Some(os_id) = reinstall {
        let request = Reinstall {
            os_id,
            hostname: hostname.clone(),
            language: text(planned, "language").unwrap_or("en_US").to_string(),
            keyboard: text(planned, "keyboard").unwrap_or("us").to_string(),
            timezone: text(planned, "timezone").unwrap_or("UTC").to_string(),
        };
        match client.reinstall(id, &request).await {
            Ok(password) => {
                state.set("root_password", password);
                state.set("os_id", os_id.to_string());
                state.set("hostname", hostname.as_str());
            }
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot reinstall {brand} server {id}"),
                    &e,
                    &creds,
                );
                return fail(state);
            }
        }
        let waited = wait_for(
            spec(ctx, format!("server {id} to finish installing"), deadline),
            |_| async {
                Ok(match client.get_server(id).await? {
                    Some(s) if !s.installing() => Poll::Done(()),
                    Some(_) => Poll::Pending("installing".into()),
                    None => Poll::Pending("not found".into()),
                })
            },
        )
        .await;
        if let Err(e) = waited {
            wait_error_diag(
                diags,
                &format!("{brand} server {id} did not finish installing"),
                &e,
                &creds,
            );
            return fail(state);
        }
    }

    if let Some(package) =
        id_of(planned, "package_id").filter(|p| Some(*p) != id_of(current, "package_id"))
    {
        match upgrade(
            client,
            id,
            package,
            adopting || current.get("package_id").is_null(),
        )
        .await
        {
            Ok(()) => state.set("package_id", package.to_string()),
            Err(Problem::Api(e)) => {
                api_error_diag(
                    diags,
                    &format!("Cannot upgrade {brand} server {id}"),
                    &e,
                    &creds,
                );
                return fail(state);
            }
            Err(Problem::NotOffered(offered)) => {
                diags.attr_error(AttrPath::attr("package_id"), "Package not available", format!("Package {package} is not an upgrade the API offers server {id}; offered: {offered}."));
                return fail(state);
            }
        }
    }

    if let Some(iso) = text(planned, "iso_id").filter(|i| Some(*i) != text(current, "iso_id")) {
        if let Err(e) = client.mount_iso(id, iso).await {
            api_error_diag(
                diags,
                &format!("Cannot mount ISO {iso} on {brand} server {id}"),
                &e,
                &creds,
            );
            return fail(state);
        }
        state.set("iso_id", iso);
    }

    if let Some(want) = text(planned, "power_state") {
        let on = want == "running";
        let have = match client.powerstate(id).await {
            Ok(p) => p,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read the power state of {brand} server {id}"),
                    &e,
                    &creds,
                );
                return fail(state);
            }
        };
        if have != Some(on) {
            if let Err(e) = client.power(id, on).await {
                if e.status() == Some(405) {
                    diags.attr_error(AttrPath::attr("power_state"), format!("{brand} refuses power control for server {id}"), format!("{} answered 405: the API cannot power this server {}. Use the control panel, or leave `power_state` out so Terraform only reports it.", e.request(), if on { "on" } else { "off" }));
                } else {
                    api_error_diag(
                        diags,
                        &format!(
                            "Cannot power {brand} server {id} {}",
                            if on { "on" } else { "off" }
                        ),
                        &e,
                        &creds,
                    );
                }
                return fail(state);
            }
            let waited = wait_for(
                spec(ctx, format!("server {id} to be {want}"), deadline),
                |_| async {
                    Ok(match client.powerstate(id).await? {
                        Some(p) if p == on => Poll::Done(()),
                        p => Poll::Pending(p.map(power_word).unwrap_or("unknown").to_string()),
                    })
                },
            )
            .await;
            if let Err(e) = waited {
                wait_error_diag(
                    diags,
                    &format!("{brand} server {id} did not become {want}"),
                    &e,
                    &creds,
                );
                return fail(state);
            }
        }
        state.set("power_state", want);
    }

    match client.get_server(id).await {
        Ok(Some(server)) => server_state(&state, &server),
        Ok(None) => fail(state),
        Err(e) => {
            api_error_diag(
                diags,
                &format!("Cannot read {brand} server {id}"),
                &e,
                &creds,
            );
            fail(state)
        }
    }
}

enum Problem {
    Api(ApiError),
    NotOffered(String),
}

/// Upgrades to `package` when the API offers it. When it does not and the state knew no
/// package (a server just adopted or imported), the server is taken to have it already.
async fn upgrade(
    client: &TerrahostClient,
    id: i64,
    package: i64,
    adopting: bool,
) -> Result<(), Problem> {
    let offered = client.upgrade_packages(id).await.map_err(Problem::Api)?;
    let ids: Vec<i64> = offered
        .iter()
        .filter_map(|p| {
            p.get("pkg_id")
                .and_then(crate::support::lenient::value::i64_of)
        })
        .collect();
    if ids.contains(&package) {
        return client.upgrade(id, package).await.map_err(Problem::Api);
    }
    if adopting {
        log::info!("package {package} is not offered as an upgrade of server {id}: taking it as the current package");
        return Ok(());
    }
    let list = ids
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    Err(Problem::NotOffered(if list.is_empty() {
        "none".into()
    } else {
        list
    }))
}
