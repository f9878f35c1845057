//! `openhosting_server`: a virtual server. Changes the API accepts on a running server (name,
//! cpu, persistent, tags, user metadata, VNC password) are set live; any other change stops
//! the server (ACPI shutdown, then a hard stop after a grace period), sets the new
//! configuration and starts it again; the plan warns about that reboot. Drives are their own
//! resources and survive the server.

use async_trait::async_trait;

use super::api::{OpenHostingClient, CREDENTIALS};
use super::recover::create_or_adopt;
use super::server_config::{
    full_body, is_device, live_body, live_changes, restart_reasons, server_state,
};
use super::server_waits::{mark_leased_addresses, stop_gracefully, SHUTDOWN_GRACE};
use crate::support::diag::api_error_diag;
use crate::support::ApiError;
use crate::tfplugin::plan::Plan;
use crate::tfplugin::provider::{Ctx, Resource};
use crate::tfplugin::schema::{NestedBlock, Nesting};
use crate::tfplugin::{
    timeouts, AttrPath, Attribute, Block, Check, Diagnostics, Schema, Type, Value,
};

pub struct ServerResource;

fn check_device(value: &Value) -> Result<(), String> {
    match value.as_str() {
        Some(d) if is_device(d) => Ok(()),
        Some(_) => Err("must be a device such as ide:0:0, ide:1:1, scsi:0:3 or block:0".into()),
        None => Ok(()),
    }
}

fn check_vnc_password(value: &Value) -> Result<(), String> {
    match value.as_str() {
        Some(p) if p.chars().count() > 8 => {
            Err("must be at most 8 characters (an Open Hosting limit)".into())
        }
        _ => Ok(()),
    }
}

fn list_block(type_name: &'static str, block: Block, max_items: i64) -> NestedBlock {
    NestedBlock {
        type_name,
        block,
        nesting: Nesting::List,
        min_items: 0,
        max_items,
    }
}

pub fn schema() -> Schema {
    let drive = Block::new("A drive attached to the server.")
        .attr(Attribute::required("device", Type::String).check(Check::Custom(check_device)).describe("Where the drive is attached: `ide:BUS:UNIT` (0-1), `scsi:0:UNIT` (0-7) or `block:INDEX` (0-7)."))
        .attr(Attribute::required("drive_uuid", Type::String).describe("UUID of the drive, e.g. `openhosting_drive.root.id`."))
        .attr(Attribute::optional("media", Type::String).check(Check::OneOf(&["disk", "cdrom"])).describe("`disk` (the default) or `cdrom`."));
    let nic = Block::new("A network interface; the first block is `nic:0`, the next `nic:1`, and so on.")
        .attr(Attribute::optional("model", Type::String).check(Check::OneOf(&["e1000", "rtl8139", "virtio"])).describe("`e1000` (the vendor's default), `rtl8139` or `virtio`."))
        .attr(Attribute::optional("dhcp", Type::String).describe("The address DHCP offers: `auto` for a temporary address at boot, or a static IP (`openhosting_ip.x.id`). Unset: none offered."))
        .attr(Attribute::optional("vlan", Type::String).describe("UUID of a VLAN (`openhosting_vlan.x.id`) to attach the interface to."))
        .attr(Attribute::optional("mac", Type::String).describe("The MAC address; random when unset."));
    let vnc = Block::new("VNC console access on port 5900.")
        .attr(Attribute::optional("ip", Type::String).describe(
            "Address for VNC: `auto` (reuse nic 0's address or a temporary one) or an IP.",
        ))
        .attr(
            Attribute::optional("password", Type::String)
                .sensitive()
                .check(Check::Custom(check_vnc_password))
                .describe("VNC password, at most 8 characters. Unset disables VNC. Changed live."),
        )
        .attr(
            Attribute::optional("tls", Type::Bool)
                .describe("Require VeNCrypt TLS in addition to the password."),
        );
    Schema::new(
        Block::new("A virtual server. Changes the API takes on a running server (name, cpu, persistent, tags, user metadata, VNC password) are applied live; any other change stops the server, reconfigures it and starts it again.")
            .attr(Attribute::computed("id", Type::String).keep_state().describe("The server UUID."))
            .attr(Attribute::required("name", Type::String).check(Check::NonEmpty).describe("The server name; changed live."))
            .attr(Attribute::required("cpu", Type::Number).check(Check::IntRange(100, 1_000_000)).describe("CPU quota in core MHz; changed live."))
            .attr(Attribute::optional_computed("smp", Type::Number).check(Check::IntRange(1, 256)).describe("Number of virtual CPUs; computed from `cpu` by the vendor when unset. A change reboots the server."))
            .attr(Attribute::required("mem", Type::Number).check(Check::IntRange(64, 1_048_576)).describe("Memory in MB. A change reboots the server."))
            .attr(Attribute::optional("persistent", Type::Bool).default(true).describe("Keep the server (stopped) when it stops or shuts down (default `true`). A non-persistent server is destroyed by the vendor when it stops."))
            .attr(Attribute::optional("boot", Type::list(Type::String)).describe("Devices to boot from, in order, e.g. `[\"ide:0:0\"]`. A change reboots the server."))
            .attr(Attribute::optional("tags", Type::set(Type::String)).describe("Tags; changed live."))
            .attr(Attribute::optional("user_metadata", Type::map(Type::String)).describe("Your own key/value pairs (`user:KEY`); changed live."))
            .attr(Attribute::optional("avoid", Type::set(Type::String)).force_new().describe("UUIDs of servers this one must not share hardware with; used at create, a change replaces the server."))
            .attr(Attribute::optional("power_state", Type::String).default("running").check(Check::OneOf(&["running", "stopped"])).describe("`running` (default) or `stopped`."))
            .attr(Attribute::computed("status", Type::String).describe("`active`, `stopped`, `paused`, `dumped` or `dead`."))
            .attr(Attribute::computed("started", Type::Number).describe("When the server started, in seconds since the epoch (while running)."))
            .attr(Attribute::computed("ip", Type::String).describe("The address nic 0 has while running (the static IP, or the one `auto` allocated)."))
            .attr(Attribute::computed("vnc_ip", Type::String).describe("The VNC address while running."))
            .block(list_block("drive", drive, 24))
            .block(list_block("nic", nic, 4))
            .block(NestedBlock { type_name: "vnc", block: vnc, nesting: Nesting::Single, min_items: 0, max_items: 0 })
            .block(timeouts::block(&["create", "update", "delete"])),
    )
}

fn empty_state() -> Value {
    Value::null_object(&schema().block.implied_type())
}

fn server_id(state: &Value) -> Option<String> {
    state
        .get("id")
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

async fn read_into(
    ctx: &Ctx<OpenHostingClient>,
    uuid: &str,
    base: &Value,
    diags: &mut Diagnostics,
) -> Value {
    match ctx.client.server_info(uuid).await {
        Ok(p) => server_state(base, &p, empty_state()),
        Err(e) => {
            api_error_diag(
                diags,
                &format!("Cannot read server {uuid}"),
                &e,
                CREDENTIALS,
            );
            base.clone()
        }
    }
}

/// Keeps the VNC password out of logs and diagnostics.
fn register_vnc_password(value: &Value) {
    if let Some(password) = value.get("vnc").get("password").as_str() {
        crate::tfplugin::log::register_secret(password);
    }
}

fn report(diags: &mut Diagnostics, summary: String, result: Result<impl Sized, ApiError>) -> bool {
    match result {
        Ok(_) => true,
        Err(e) => {
            api_error_diag(diags, &summary, &e, CREDENTIALS);
            false
        }
    }
}

#[async_trait]
impl Resource<OpenHostingClient> for ServerResource {
    fn type_name(&self) -> &'static str {
        "openhosting_server"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn modify_plan(&self, plan: &mut Plan, diags: &mut Diagnostics) {
        let non_persistent = plan.planned.get("persistent").as_bool() == Some(false);
        if non_persistent && (plan.is_create() || plan.changes("persistent")) {
            diags.attr_warning(AttrPath::attr("persistent"), "A non-persistent server is destroyed when it stops", "With persistent = false, Open Hosting destroys the server (not its drives) when it is shut down or stopped, including from inside the guest.");
        }
        if plan.is_create() || plan.is_replace() {
            return;
        }
        let reasons = restart_reasons(&plan.prior, &plan.planned);
        let running = plan.prior.get("status").as_str() == Some("active");
        let stopping = plan.planned.get("power_state").as_str() == Some("stopped") && running;
        if (!reasons.is_empty() && running || stopping)
            && plan.prior.get("persistent").as_bool() == Some(false)
        {
            diags.attr_error(AttrPath::attr("persistent"), "This change would destroy a non-persistent server", "The change needs the server stopped, and Open Hosting destroys a non-persistent server when it stops. Set persistent = true first (that change is applied live), then make this change.");
        } else if !reasons.is_empty() && running {
            diags.warning("The server will reboot", format!("Changing {} needs the server stopped: it is shut down (stopped hard after {} s), reconfigured and started again.", reasons.join(", "), SHUTDOWN_GRACE.as_secs()));
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<OpenHostingClient>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        register_vnc_password(planned);
        let start = planned.get("power_state").as_str() != Some("stopped");
        let name = planned.get("name").as_str().unwrap_or_default();
        let body = full_body(&Value::Null, planned);
        let created = match create_or_adopt(
            ctx.client.poll_interval,
            &ctx.cancel,
            "server",
            name,
            || ctx.client.servers_info(),
            || ctx.client.create_server(&body, start),
        )
        .await
        {
            Ok(created) => {
                if let Some((summary, detail)) = created.adoption_note("server", "server", name) {
                    diags.warning(summary, detail);
                }
                created.props
            }
            Err(e) => {
                api_error_diag(
                    diags,
                    "Cannot create the Open Hosting server",
                    &e,
                    CREDENTIALS,
                );
                return Value::Null;
            }
        };
        let state = server_state(planned, &created, empty_state());
        let Some(uuid) = server_id(&state) else {
            diags.error("Cannot create the Open Hosting server", "POST /servers/create answered without a `server` UUID; the server may exist in the account without Terraform knowing it.");
            return Value::Null;
        };
        read_into(ctx, &uuid, &state, diags).await
    }

    async fn read(
        &self,
        ctx: &Ctx<OpenHostingClient>,
        current: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(uuid) = server_id(current) else {
            return Value::Null;
        };
        match ctx.client.read_server(&uuid).await {
            Ok(p) => {
                let mut state = server_state(current, &p, empty_state());
                if current.get("nic").is_null() || current.get("vnc").is_null() {
                    mark_leased_addresses(ctx, &p, &mut state).await;
                }
                state
            }
            Err(e) if e.is_not_found() => Value::Null,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read Open Hosting server {uuid}"),
                    &e,
                    CREDENTIALS,
                );
                current.clone()
            }
        }
    }

    async fn update(
        &self,
        ctx: &Ctx<OpenHostingClient>,
        prior: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        register_vnc_password(planned);
        let Some(uuid) = server_id(prior) else {
            return planned.clone();
        };
        let info = match ctx.client.server_info(&uuid).await {
            Ok(p) => p,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read server {uuid}"),
                    &e,
                    CREDENTIALS,
                );
                return prior.clone();
            }
        };
        let mut active = info.text("status").as_deref() == Some("active");
        let want_running = planned.get("power_state").as_str() != Some("stopped");
        let restart = !restart_reasons(prior, planned).is_empty();
        if active && (restart || !want_running) {
            if !stop_gracefully(ctx, &uuid, diags).await {
                return read_into(ctx, &uuid, prior, diags).await;
            }
            active = false;
        }
        let set = if active {
            live_changes(prior, planned).then(|| live_body(prior, planned))
        } else {
            (restart || live_changes(prior, planned)).then(|| full_body(prior, planned))
        };
        if let Some(body) = set {
            if !report(
                diags,
                format!("Cannot reconfigure server {uuid}"),
                ctx.client.set_server(&uuid, &body).await,
            ) {
                return read_into(ctx, &uuid, prior, diags).await;
            }
        }
        if want_running && !active {
            report(
                diags,
                format!("Cannot start server {uuid}"),
                ctx.client.server_action(&uuid, "start").await,
            );
        }
        let base = if diags.has_errors() { prior } else { planned };
        read_into(ctx, &uuid, base, diags).await
    }

    async fn delete(&self, ctx: &Ctx<OpenHostingClient>, prior: &Value, diags: &mut Diagnostics) {
        let Some(uuid) = server_id(prior) else { return };
        match ctx.client.server_action(&uuid, "destroy").await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => api_error_diag(
                diags,
                &format!("Cannot destroy Open Hosting server {uuid}"),
                &e,
                CREDENTIALS,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::plan::plan;

    fn running(persistent: bool) -> Value {
        let mut v = empty_state();
        for (k, x) in [
            ("id", Value::from("s-1")),
            ("name", "web".into()),
            ("cpu", 1000i64.into()),
            ("mem", 512i64.into()),
            ("persistent", persistent.into()),
            ("power_state", "running".into()),
            ("status", "active".into()),
        ] {
            v.set(k, x);
        }
        v
    }

    fn plan_change(prior: &Value, change: &[(&str, Value)]) -> Diagnostics {
        let mut config = prior.clone();
        for (k, x) in change {
            config.set(k, x.clone());
        }
        let mut p = plan(&schema().block, prior, &config, &config, false);
        let mut d = Diagnostics::default();
        ServerResource.modify_plan(&mut p, &mut d);
        d
    }

    #[test]
    fn a_memory_change_warns_of_a_reboot_and_a_rename_does_not() {
        let d = plan_change(&running(true), &[("mem", 1024i64.into())]);
        assert_eq!(d.0.len(), 1);
        assert!(
            d.0[0].summary.contains("reboot") && d.0[0].detail.contains("mem"),
            "{d:?}"
        );
        assert!(plan_change(&running(true), &[("name", "web2".into())])
            .0
            .is_empty());
    }

    #[test]
    fn stopping_a_non_persistent_server_is_refused_at_plan() {
        let d = plan_change(&running(false), &[("mem", 1024i64.into())]);
        assert!(
            d.has_errors() && d.0[0].path == Some(AttrPath::attr("persistent")),
            "{d:?}"
        );
        let d = plan_change(&running(false), &[("power_state", "stopped".into())]);
        assert!(d.has_errors());
        assert!(!plan_change(&running(false), &[("name", "x".into())]).has_errors());
    }

    #[test]
    fn vnc_passwords_are_at_most_eight_characters() {
        assert!(check_vnc_password(&"12345678".into()).is_ok());
        assert!(check_vnc_password(&"123456789".into()).is_err());
        assert!(check_device(&"ide:0:1".into()).is_ok());
        assert!(check_device(&"ide:2:0".into()).is_err());
    }
}
