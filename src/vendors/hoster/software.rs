//! `hoster_software`: a software package installed on a VM or dedicated server by
//! `POST software/install` (a job), removed by `POST software/uninstall` (a job). Both need
//! the machine's SSH root password. HosterAPI cannot report what is installed, so a refresh
//! only checks that the machine still exists.
//!
//! The password may be stored (`password`) or write-only (`password_wo`, Terraform 1.11+).
//! Terraform gives a provider no configuration at destroy, so with `password_wo` alone
//! destroy cannot uninstall: it forgets the package with a warning.

use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use super::api::{is_gone, HosterClient, CREDENTIALS};
use super::jobs::{wait_job, JobError};
use super::vm_state::settle_unknowns;
use crate::support::diag::api_error_diag;
use crate::tfplugin::provider::{Ctx, DefaultTimeouts, Resource};
use crate::tfplugin::{
    timeouts, AttrPath, Attribute, Block, Check, Diagnostics, Schema, Type, Value,
};

pub struct SoftwareResource;

pub fn schema() -> Schema {
    Schema::new(
        Block::new("A software package installed on a HosterAPI VM or dedicated server over SSH, by a job the provider waits for. Give the root password as `password` (kept, sensitive, in the state) or, with Terraform 1.11 and later, as the write-only `password_wo` (never stored). **With `password_wo` alone, destroy cannot uninstall the package**: Terraform hands a provider no configuration at destroy, so the provider only forgets it and warns; uninstall it by hand or destroy the machine with it.")
            .attr(Attribute::computed("id", Type::String).keep_state().describe("`SERVER/PACKAGE`."))
            .attr(Attribute::required("server", Type::String).force_new().check(Check::NonEmpty).describe("The VM or dedicated server id, or one of its IP addresses. Changing it installs on the new machine."))
            .attr(Attribute::required("package", Type::String).force_new().check(Check::NonEmpty).describe("The package to install, e.g. `ts3` (see `hoster_software_packages`). Changing it installs the new package."))
            .attr(Attribute::optional("password", Type::String).sensitive().describe("The machine's SSH root password, kept in the state so destroy can uninstall. Exactly one of `password` and `password_wo` is required."))
            .attr(Attribute::optional("password_wo", Type::String).sensitive().write_only().describe("The machine's SSH root password as a write-only argument (Terraform 1.11 and later): used to install and never stored. Destroy then cannot uninstall (see above)."))
            .attr(Attribute::optional("port", Type::Number).check(Check::IntRange(1, 65535)).describe("The machine's SSH port (the vendor's default, 22, when left out)."))
            .attr(Attribute::computed("job_id", Type::Number).keep_state().describe("Id of the install job."))
            .block(timeouts::block(&["create", "delete"])),
    )
}

/// Whether the machine the software is on still exists (unknown machines are kept).
async fn server_exists(
    client: &HosterClient,
    server: &str,
) -> Result<bool, crate::support::ApiError> {
    let Ok(id) = server.trim().parse::<i64>() else {
        return Ok(true);
    };
    match client.vm_config(id).await {
        Ok(_) => return Ok(true),
        Err(e) if !is_gone(&e) => return Err(e),
        Err(_) => {}
    }
    match client.dedicated_config(id).await {
        Ok(_) => Ok(true),
        Err(e) if is_gone(&e) => Ok(false),
        Err(e) if e.status() == Some(500) => Ok(true),
        Err(e) => Err(e),
    }
}

#[async_trait]
impl Resource<HosterClient> for SoftwareResource {
    fn type_name(&self) -> &'static str {
        "hoster_software"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn default_timeouts(&self) -> DefaultTimeouts {
        DefaultTimeouts {
            create: Duration::from_secs(30 * 60),
            delete: Duration::from_secs(30 * 60),
            ..DefaultTimeouts::default()
        }
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let (stored, write_only) = (config.get("password"), config.get("password_wo"));
        if stored.is_unknown() || write_only.is_unknown() {
            return;
        }
        match (stored.is_null(), write_only.is_null()) {
            (true, true) => diags.attr_error(AttrPath::attr("password"), "Missing SSH root password", "Set `password` (kept in the state, so destroy can uninstall) or `password_wo` (write-only, Terraform 1.11 and later; destroy then cannot uninstall)."),
            (false, false) => diags.attr_error(AttrPath::attr("password_wo"), "Conflicting passwords", "Set only one of `password` and `password_wo`."),
            _ => {}
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<HosterClient>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let deadline = Instant::now() + ctx.timeout;
        let server = planned
            .get("server")
            .as_str()
            .unwrap_or_default()
            .to_string();
        let package = planned
            .get("package")
            .as_str()
            .unwrap_or_default()
            .to_string();
        let password = planned
            .get("password")
            .as_str()
            .or(planned.get("password_wo").as_str())
            .unwrap_or_default()
            .to_string();
        crate::tfplugin::log::register_secret(&password);
        let summary = format!("Cannot install {package} on {server}");
        let started = match ctx
            .client
            .software(
                "install",
                &server,
                &package,
                &password,
                planned.get("port").as_i64(),
            )
            .await
        {
            Ok(job) => job,
            Err(e) => {
                api_error_diag(diags, &summary, &e, CREDENTIALS);
                if !e.outcome_unknown() {
                    return Value::Null;
                }
                if let Some(d) = diags.0.last_mut() {
                    d.detail.push_str(" The install may still have started: the package is kept in state as tainted, so the next apply uninstalls it and installs it again instead of leaving it unmanaged.");
                }
                let mut state = settle_unknowns(planned.clone());
                state.set("id", format!("{server}/{package}"));
                state.set("password_wo", Value::Null);
                return state;
            }
        };
        let mut state = settle_unknowns(planned.clone());
        state.set("id", format!("{server}/{package}"));
        state.set("job_id", started.job_id);
        state.set("password_wo", Value::Null);
        match wait_job(ctx, started.job_id, deadline).await {
            Ok(_) => state,
            Err(e @ JobError::Failed { .. }) => {
                e.diagnose(diags, &summary);
                Value::Null
            }
            Err(e) => {
                e.diagnose(diags, &summary);
                state
            }
        }
    }

    async fn read(
        &self,
        ctx: &Ctx<HosterClient>,
        current: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let server = current
            .get("server")
            .as_str()
            .unwrap_or_default()
            .to_string();
        match server_exists(&ctx.client, &server).await {
            Ok(true) => current.clone(),
            Ok(false) => Value::Null,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read HosterAPI server {server}"),
                    &e,
                    CREDENTIALS,
                );
                current.clone()
            }
        }
    }

    async fn update(
        &self,
        _ctx: &Ctx<HosterClient>,
        _prior: &Value,
        planned: &Value,
        _diags: &mut Diagnostics,
    ) -> Value {
        let mut state = settle_unknowns(planned.clone());
        state.set("password_wo", Value::Null);
        state
    }

    async fn delete(&self, ctx: &Ctx<HosterClient>, prior: &Value, diags: &mut Diagnostics) {
        let deadline = Instant::now() + ctx.timeout;
        let server = prior.get("server").as_str().unwrap_or_default().to_string();
        let package = prior
            .get("package")
            .as_str()
            .unwrap_or_default()
            .to_string();
        let Some(password) = prior.get("password").as_str() else {
            diags.warning(
                format!("{package} was not uninstalled from {server}"),
                "The password was given as the write-only `password_wo`, which Terraform does not hand to a provider at destroy, so the package cannot be uninstalled; it is only removed from the state. Uninstall it by hand, or use `password` if destroy should uninstall.",
            );
            return;
        };
        let summary = format!("Cannot uninstall {package} from {server}");
        let started = match ctx
            .client
            .software(
                "uninstall",
                &server,
                &package,
                password,
                prior.get("port").as_i64(),
            )
            .await
        {
            Ok(job) => job,
            Err(e) if is_gone(&e) => return,
            Err(e) => {
                api_error_diag(diags, &summary, &e, CREDENTIALS);
                return;
            }
        };
        if let Err(e) = wait_job(ctx, started.job_id, deadline).await {
            e.diagnose(diags, &summary);
        }
    }

    fn import_state(&self, id: &str, diags: &mut Diagnostics) -> Value {
        let Some((server, package)) = id
            .split_once('/')
            .filter(|(s, p)| !s.trim().is_empty() && !p.trim().is_empty())
        else {
            diags.error("Invalid hoster_software import id", format!("Import needs `SERVER/PACKAGE`, e.g. `4001/ts3`, not {id:?}. The password is then taken from the configuration."));
            return Value::Null;
        };
        let mut state = Value::null_object(&schema().block.implied_type());
        state.set("id", id);
        state.set("server", server.trim());
        state.set("package", package.trim());
        state
    }
}
