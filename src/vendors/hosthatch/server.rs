//! `hosthatch_server`: a HostHatch VPS. Ordered with `POST /deploy`, read with
//! `GET /servers/{id}` and `/status`, resized with `PUT /servers/{id}/upgrade`, powered with
//! `POST /servers/{id}/boot|shutdown`, and cancelled with `PUT /servers/{id}/cancel`.
//!
//! Orders are billable, so the server id goes into state as soon as the vendor names it, and a
//! deploy whose answer was lost is resolved by finding the new server in the list rather than
//! by ordering again.

use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use super::api::{DeployRequest, HostHatchClient, CREDENTIALS};
use super::models::{Order, Server};
use super::server_waits::{apply_power, wait_active, wait_gone, wait_product};
use crate::support::diag::{api_error_diag, wait_error_diag};
use crate::support::wait::read_until_found;
use crate::support::ApiError;
use crate::tfplugin::plan::Plan;
use crate::tfplugin::provider::{Ctx, DefaultTimeouts, Resource};
use crate::tfplugin::{
    timeouts, AttrPath, Attribute, Block, Check, Diagnostics, Schema, Type, Value,
};

pub const DEFAULT_CANCEL_REASON: &str = "Destroyed by Terraform";

/// Computed values that a product change alters.
const CHANGED_BY_UPGRADE: &[&str] = &[
    "available_upgrades",
    "recurring_cost",
    "next_due",
    "invoice_id",
    "invoice_url",
    "requires_payment",
];

pub struct ServerResource;

pub fn schema() -> Schema {
    Schema::new(
        Block::new("A HostHatch virtual server. Destroying it cancels the service.")
            .attr(Attribute::computed("id", Type::String).keep_state().describe("The server's numeric id, as text."))
            .attr(Attribute::required("product", Type::String).describe(
                "Product id, e.g. `nvme-2gb` (see the `hosthatch_products` data source). Changing it upgrades the server in place when the new product is one of `available_upgrades`; other changes need a new server.",
            ))
            .attr(Attribute::required("location", Type::String).force_new().describe("Location id, e.g. `AMS` or `LON`. Changing it creates a new server."))
            .attr(Attribute::required("billing", Type::String).force_new().describe("Billing cycle id, e.g. `monthly` or `quarterly`. Changing it creates a new server."))
            .attr(Attribute::required("image", Type::String).force_new().describe("Image id to install, e.g. `ubuntu22`. Changing it creates a new server."))
            .attr(Attribute::required("hostname", Type::String).force_new().check(Check::NonEmpty).check(Check::Custom(crate::support::checks::hostname)).describe("The server's hostname. Changing it creates a new server."))
            .attr(Attribute::optional("ipv6", Type::Bool).force_new().describe("Whether to order IPv6. Set at deploy time only; changing it creates a new server."))
            .attr(
                Attribute::optional("additional_ipv4", Type::Number)
                    .force_new()
                    .check(Check::IntRange(0, 4))
                    .describe("How many additional IPv4 addresses to order (0 to 4). Set at deploy time only; changing it creates a new server."),
            )
            .attr(
                Attribute::optional("ssh_key_ids", Type::set(Type::Number))
                    .force_new()
                    .check(Check::Custom(crate::support::checks::id_numbers))
                    .describe("Ids of `hosthatch_ssh_key`s to install at deploy time. Changing them creates a new server."),
            )
            .attr(
                Attribute::optional_computed("power_state", Type::String)
                    .check(Check::OneOf(&["running", "stopped"]))
                    .describe("`running` or `stopped`. When set, Terraform boots or shuts the server down to match; when left out, it reports the current state."),
            )
            .attr(Attribute::optional("upgrade_disk", Type::Bool).default(false).describe("Whether a product upgrade also grows the disk (default `false`)."))
            .attr(
                Attribute::optional("cancel_reason", Type::String)
                    .default(DEFAULT_CANCEL_REASON)
                    .describe("The reason sent to HostHatch when the server is destroyed (default `\"Destroyed by Terraform\"`)."),
            )
            .attr(Attribute::optional("cancel_immediately", Type::Bool).default(true).describe(
                "Whether destroying cancels the server at once (default `true`) or at the end of the billing period, in which case it keeps running (and stays visible to HostHatch) until then.",
            ))
            .attr(Attribute::computed("state", Type::String).describe("The service state, e.g. `Active`, `Pending` or `Suspended`."))
            .attr(Attribute::computed("status", Type::String).describe("The machine status, e.g. `online` or `offline`."))
            .attr(Attribute::computed("primary_ip", Type::String).keep_state().describe("The primary IP address."))
            .attr(Attribute::computed("created", Type::String).keep_state().describe("Creation date, `YYYY-MM-DD`."))
            .attr(Attribute::computed("next_due", Type::String).describe("Date of the next invoice, `YYYY-MM-DD`."))
            .attr(Attribute::computed("initial_cost", Type::Number).keep_state().describe("The setup fee paid, in `currency`."))
            .attr(Attribute::computed("recurring_cost", Type::Number).keep_state().describe("The cost per billing cycle, in `currency`."))
            .attr(Attribute::computed("currency", Type::String).keep_state().describe("Currency of the costs, e.g. `USD`."))
            .attr(Attribute::computed("invoice_id", Type::Number).keep_state().describe("Id of the invoice of the last order (deploy or upgrade) made by Terraform."))
            .attr(Attribute::computed("invoice_url", Type::String).keep_state().describe("Control panel link to the invoice of the last order made by Terraform."))
            .attr(Attribute::computed("requires_payment", Type::Bool).keep_state().describe("Whether the last order's invoice awaited manual payment because the account credit did not cover it."))
            .attr(Attribute::computed("available_upgrades", Type::list(Type::String)).keep_state().describe("Product ids this server can be upgraded to in place."))
            .block(timeouts::block(&["create", "update", "delete"])),
    )
}

/// The numeric id in a state, if it has one.
fn server_id(state: &Value) -> Option<i64> {
    state.get("id").as_str().and_then(|s| s.trim().parse().ok())
}

fn opt_string(s: &Option<String>) -> Value {
    s.clone().map_or(Value::Null, Value::from)
}

fn opt_f64(n: Option<f64>) -> Value {
    n.map_or(Value::Null, Value::from)
}

/// The image id whose letters and digits start the display name: `Ubuntu 22.04 64-bit` ->
/// `ubuntu220464bit` -> `ubuntu22` (the longest match, so `centosstream8` beats `centos7`).
pub fn image_id_from_name(name: &str, image_ids: &[String]) -> Option<String> {
    let normalise = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
    };
    let display = normalise(name);
    image_ids
        .iter()
        .filter(|id| !id.is_empty() && display.starts_with(&normalise(id)))
        .max_by_key(|id| id.len())
        .cloned()
}

/// `online` -> `running`, `offline` -> `stopped`.
fn power_state_of(status: &str) -> Option<&'static str> {
    match status.to_ascii_lowercase().as_str() {
        "online" | "running" => Some("running"),
        "offline" | "stopped" => Some("stopped"),
        _ => None,
    }
}

/// Replaces every unknown attribute with null: a returned state must be wholly known.
fn settle_unknowns(mut state: Value) -> Value {
    if let Value::Object(attrs) = &mut state {
        for v in attrs.values_mut() {
            if v.is_unknown() {
                *v = Value::Null;
            }
        }
    }
    state
}

/// The state of `server`, as create, read, update and import all build it. Arguments the API
/// cannot report (features, key ids, cancel settings, the image id) come from `base`;
/// `image_ids` is consulted only when `base` has no image id (after an import).
pub fn server_state(
    base: &Value,
    server: &Server,
    status: Option<&str>,
    image_ids: &[String],
) -> Value {
    let mut s = if base.is_null() {
        Value::null_object(&schema().block.implied_type())
    } else {
        base.clone()
    };
    s.set("id", server.id.to_string());
    let reported = [
        ("hostname", &server.hostname),
        ("product", &server.product.id),
        ("location", &server.product.location),
        ("billing", &server.billing.billing_cycle),
        ("created", &server.created),
    ];
    for (name, value) in reported {
        if value.is_some() {
            s.set(name, opt_string(value));
        }
    }
    s.set("state", opt_string(&server.state));
    s.set("primary_ip", opt_string(&server.network.primary_ipaddress));
    s.set("next_due", opt_string(&server.billing.next_due));
    s.set("initial_cost", opt_f64(server.billing.initial_cost));
    s.set("recurring_cost", opt_f64(server.billing.recurring_cost));
    s.set("currency", opt_string(&server.billing.currency));
    s.set(
        "available_upgrades",
        Value::string_list(server.product.available_upgrades.clone()),
    );
    s.set("status", status.map_or(Value::Null, Value::from));
    let power = status.and_then(power_state_of).map(Value::from);
    let prior_power = base.get("power_state").as_str().map(Value::from);
    s.set("power_state", power.or(prior_power).unwrap_or(Value::Null));
    if base.get("image").as_str().is_none() {
        let derived = server
            .product
            .image
            .as_deref()
            .and_then(|name| image_id_from_name(name, image_ids));
        s.set("image", derived);
    }
    settle_unknowns(s)
}

/// Records an order's invoice in `state`.
fn record_order(state: &mut Value, order: &Order) {
    state.set("invoice_id", order.invoice_id);
    state.set("invoice_url", order.invoice_url.clone());
    state.set("requires_payment", order.requires_payment);
}

fn payment_error(diags: &mut Diagnostics, what: &str, id: i64, order: &Order, consequence: &str) {
    let url = order
        .invoice_url
        .as_deref()
        .unwrap_or("the HostHatch control panel");
    diags.error(
        format!("HostHatch {what} for server {id} awaits payment"),
        format!(
            "The account credit did not cover the invoice{}: {} is outstanding. Pay it at {url}; the {what} of server {id} proceeds once the invoice is paid. {consequence}",
            order.invoice_id.map(|i| format!(" {i}")).unwrap_or_default(),
            order.outstanding(),
        ),
    );
}

/// The deploy request a planned state describes.
fn deploy_request(planned: &Value) -> DeployRequest {
    let text = |name: &str| planned.get(name).as_str().unwrap_or_default().to_string();
    DeployRequest {
        product: text("product"),
        location: text("location"),
        billing: text("billing"),
        image: text("image"),
        hostname: text("hostname"),
        ipv6: planned.get("ipv6").as_bool(),
        additional_ipv4: planned.get("additional_ipv4").as_i64(),
        ssh_keys: planned
            .get("ssh_key_ids")
            .elements()
            .iter()
            .filter_map(Value::as_i64)
            .collect(),
    }
}

/// Reads the server into a state built on `base`; `None` when it is gone.
async fn fetch_state(
    client: &HostHatchClient,
    id: i64,
    base: &Value,
) -> Result<Option<Value>, ApiError> {
    let server = match client.read_server(id).await {
        Err(e) if e.is_not_found() => return Ok(None),
        other => other?,
    };
    if server.is_cancelled() {
        return Ok(None);
    }
    let status = match client.server_status(id).await {
        Ok(status) => Some(status),
        Err(e) if e.is_not_found() => None,
        Err(e) => return Err(e),
    };
    let image_ids = if base.get("image").as_str().is_none() {
        images_of(client, server.product.id.as_deref()).await
    } else {
        Vec::new()
    };
    Ok(Some(server_state(
        base,
        &server,
        status.as_deref(),
        &image_ids,
    )))
}

/// The image ids of `product` (of every product if it is unknown); empty when unavailable.
async fn images_of(client: &HostHatchClient, product: Option<&str>) -> Vec<String> {
    match client.list_products(false).await {
        Ok(products) => {
            let own: Vec<String> = products
                .iter()
                .filter(|p| Some(p.id.as_str()) == product)
                .flat_map(|p| p.options.images.clone())
                .collect();
            if own.is_empty() {
                products
                    .into_iter()
                    .flat_map(|p| p.options.images)
                    .collect()
            } else {
                own
            }
        }
        Err(e) => {
            log::warn!("cannot list products to name the image: {e}");
            Vec::new()
        }
    }
}

/// After a deploy whose answer was lost: the one new server with `hostname` that was not in
/// `before`, looked for a few times since a new server may take a moment to be listed.
async fn find_orphan(ctx: &Ctx<HostHatchClient>, hostname: &str, before: &[i64]) -> Option<i64> {
    let newest_new = |servers: Vec<Server>| {
        servers
            .iter()
            .filter(|s| {
                s.hostname
                    .as_deref()
                    .is_some_and(|h| h.eq_ignore_ascii_case(hostname))
                    && !before.contains(&s.id)
                    && !s.is_cancelled()
            })
            .map(|s| s.id)
            .max()
    };
    let found = read_until_found(
        3,
        |_| ctx.client.poll_interval,
        &ctx.cancel,
        "the list read looking for the deployed server",
        |_| async { Ok::<_, ApiError>(ctx.client.list_servers().await.ok().and_then(newest_new)) },
    )
    .await;
    found.ok().flatten()
}

/// Reads back after a change; on failure, `fallback` with unknowns nulled and an error.
async fn read_back(
    ctx: &Ctx<HostHatchClient>,
    id: i64,
    base: &Value,
    diags: &mut Diagnostics,
) -> Value {
    match fetch_state(&ctx.client, id, base).await {
        Ok(Some(state)) => state,
        Ok(None) => {
            diags.error(format!("HostHatch server {id} disappeared"), format!("Server {id} was no longer found after the change; it may have been cancelled outside Terraform."));
            settle_unknowns(base.clone())
        }
        Err(e) => {
            api_error_diag(
                diags,
                &format!("Cannot read HostHatch server {id}"),
                &e,
                CREDENTIALS,
            );
            settle_unknowns(base.clone())
        }
    }
}

#[async_trait]
impl Resource<HostHatchClient> for ServerResource {
    fn type_name(&self) -> &'static str {
        "hosthatch_server"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn default_timeouts(&self) -> DefaultTimeouts {
        DefaultTimeouts {
            create: Duration::from_secs(30 * 60),
            read: Duration::from_secs(5 * 60),
            update: Duration::from_secs(20 * 60),
            delete: Duration::from_secs(10 * 60),
        }
    }

    fn modify_plan(&self, plan: &mut Plan, diags: &mut Diagnostics) {
        if plan.planned.is_null() || plan.is_create() || plan.is_replace() {
            return;
        }
        if plan.changes("product") {
            if let Some(product) = plan.planned.get("product").as_str() {
                let upgrades = plan.prior.get("available_upgrades");
                let known: Vec<&str> = upgrades
                    .elements()
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                if !upgrades.is_null() && !known.contains(&product) {
                    let available = if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    };
                    diags.attr_error(
                        AttrPath::attr("product"),
                        "Product cannot be changed in place",
                        format!(
                            "{product} is not an available upgrade of this server; available: {available}. HostHatch upgrades servers only to these products. Changing to a smaller or other product needs a new server: taint it (terraform apply -replace=ADDRESS) or change `product` together with `location` or `image`, which replaces the server."
                        ),
                    );
                }
            }
            if !diags.has_errors() {
                diags.attr_warning(
                    AttrPath::attr("product"),
                    "Upgrading orders an invoice",
                    "Changing `product` upgrades the server in place: HostHatch generates an upgrade invoice, charged to the account credit (or awaiting manual payment), and may restart the server.",
                );
            }
            for name in CHANGED_BY_UPGRADE {
                plan.planned.set(name, Value::Unknown);
            }
        }
        if plan.changes("power_state") {
            plan.planned.set("status", Value::Unknown);
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<HostHatchClient>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let deadline = Instant::now() + ctx.timeout;
        let request = deploy_request(planned);
        let before = match ctx.client.list_servers().await {
            Ok(servers) => Some(servers.iter().map(|s| s.id).collect::<Vec<i64>>()),
            Err(e) => {
                log::warn!("cannot list servers before deploying, so a lost deploy answer cannot be recovered: {e}");
                None
            }
        };
        let (id, order) = match ctx.client.deploy(&request).await {
            Ok(order) => match order.server_id {
                Some(id) => (id, Some(order)),
                None => {
                    diags.error(
                        "HostHatch did not name the new server",
                        format!("POST /deploy succeeded without a server_id (invoice {}). Look for the server in the control panel and import it with `terraform import`.", order.invoice_url.as_deref().unwrap_or("unknown")),
                    );
                    return Value::Null;
                }
            },
            Err(e) if e.outcome_unknown() => {
                let found = match &before {
                    Some(before) => find_orphan(ctx, &request.hostname, before).await,
                    None => None,
                };
                match found {
                    Some(id) => {
                        diags.warning(
                            format!("Adopted HostHatch server {id}"),
                            format!("The answer to the deploy request was lost ({e}), but a new server {id} named {} appeared; Terraform manages it instead of ordering another.", request.hostname),
                        );
                        (id, None)
                    }
                    None => {
                        api_error_diag(
                            diags,
                            "Cannot deploy the HostHatch server",
                            &e,
                            CREDENTIALS,
                        );
                        if let Some(d) = diags.0.last_mut() {
                            d.detail.push_str(" The request may still have been carried out: check the control panel for a new server before applying again, and import it if it is there.");
                        }
                        return Value::Null;
                    }
                }
            }
            Err(e) => {
                api_error_diag(diags, "Cannot deploy the HostHatch server", &e, CREDENTIALS);
                return Value::Null;
            }
        };
        let mut state = planned.clone();
        state.set("id", id.to_string());
        if let Some(order) = &order {
            record_order(&mut state, order);
        }
        let state = settle_unknowns(state);
        if let Some(order) = order.as_ref().filter(|o| o.requires_payment) {
            payment_error(
                diags,
                "deployment",
                id,
                order,
                "Terraform marks the server as tainted: the next apply cancels it and orders a new one. To keep this one, pay the invoice and run `terraform untaint` on it.",
            );
            return state;
        }
        if let Err(e) = wait_active(ctx, id, deadline).await {
            wait_error_diag(
                diags,
                &format!("HostHatch server {id} did not become active"),
                &e,
                CREDENTIALS,
            );
            return state;
        }
        if planned.get("power_state").as_str() == Some("stopped")
            && !apply_power(ctx, id, "stopped", deadline, diags).await
        {
            return state;
        }
        read_back(ctx, id, &state, diags).await
    }

    async fn read(
        &self,
        ctx: &Ctx<HostHatchClient>,
        current: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(id) = server_id(current) else {
            diags.error(
                "Invalid HostHatch server id",
                format!(
                    "The state holds id {:?}, which is not a number.",
                    current.get("id").as_str().unwrap_or_default()
                ),
            );
            return current.clone();
        };
        match fetch_state(&ctx.client, id, current).await {
            Ok(Some(state)) => state,
            Ok(None) => Value::Null,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read HostHatch server {id}"),
                    &e,
                    CREDENTIALS,
                );
                current.clone()
            }
        }
    }

    async fn update(
        &self,
        ctx: &Ctx<HostHatchClient>,
        prior: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let deadline = Instant::now() + ctx.timeout;
        let Some(id) = server_id(prior) else {
            diags.error(
                "Invalid HostHatch server id",
                "The prior state has no numeric id.",
            );
            return prior.clone();
        };
        let mut base = planned.clone();
        for name in ["invoice_id", "invoice_url", "requires_payment"] {
            if base.get(name).is_unknown() {
                base.set(name, prior.get(name).clone());
            }
        }
        let product = planned
            .get("product")
            .as_str()
            .unwrap_or_default()
            .to_string();
        if product != prior.get("product").as_str().unwrap_or_default() {
            let upgrade_disk = planned.get("upgrade_disk").as_bool().unwrap_or(false);
            match ctx.client.upgrade(id, &product, upgrade_disk).await {
                Ok(order) => {
                    record_order(&mut base, &order);
                    if order.requires_payment {
                        payment_error(diags, "upgrade", id, &order, "Until then the server keeps its current product; applying again before paying orders another upgrade invoice.");
                        return read_back(ctx, id, &base, diags).await;
                    }
                    if let Err(e) = wait_product(ctx, id, product.clone(), deadline).await {
                        wait_error_diag(
                            diags,
                            &format!("HostHatch server {id} was not upgraded"),
                            &e,
                            CREDENTIALS,
                        );
                        return read_back(ctx, id, &base, diags).await;
                    }
                }
                Err(e) => {
                    api_error_diag(
                        diags,
                        &format!("Cannot upgrade HostHatch server {id} to {product}"),
                        &e,
                        CREDENTIALS,
                    );
                    return read_back(ctx, id, &base, diags).await;
                }
            }
        }
        if let Some(power_state) = planned.get("power_state").as_str() {
            if prior.get("power_state").as_str() != Some(power_state)
                && !apply_power(ctx, id, power_state, deadline, diags).await
            {
                return read_back(ctx, id, &base, diags).await;
            }
        }
        read_back(ctx, id, &base, diags).await
    }

    async fn delete(&self, ctx: &Ctx<HostHatchClient>, prior: &Value, diags: &mut Diagnostics) {
        let deadline = Instant::now() + ctx.timeout;
        let Some(id) = server_id(prior) else { return };
        let reason = prior
            .get("cancel_reason")
            .as_str()
            .unwrap_or(DEFAULT_CANCEL_REASON);
        let immediate = prior.get("cancel_immediately").as_bool().unwrap_or(true);
        match ctx.client.cancel(id, reason, immediate).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => return,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot cancel HostHatch server {id}"),
                    &e,
                    CREDENTIALS,
                );
                return;
            }
        }
        if !immediate {
            diags.warning(
                format!("HostHatch server {id} runs until the end of its billing period"),
                "cancel_immediately is false: HostHatch cancels the server at the end of the current billing cycle. Terraform no longer manages it.",
            );
            return;
        }
        if let Err(e) = wait_gone(ctx, id, deadline).await {
            wait_error_diag(
                diags,
                &format!("HostHatch server {id} was not cancelled in time"),
                &e,
                CREDENTIALS,
            );
        }
    }

    fn import_state(&self, id: &str, diags: &mut Diagnostics) -> Value {
        if id.trim().parse::<i64>().is_err() {
            diags.error("Invalid HostHatch server id", format!("Import needs the numeric server id (as in the control panel URL /servers/112233), not {id:?}."));
            return Value::Null;
        }
        let mut state = Value::null_object(&schema().block.implied_type());
        state.set("id", id.trim());
        state.set("upgrade_disk", false);
        state.set("cancel_reason", DEFAULT_CANCEL_REASON);
        state.set("cancel_immediately", true);
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::lenient::parse_tolerant_json;
    use crate::tfplugin::plan::plan;

    const DOC_SERVER: &str = r#"{"id":112233,"hostname":"example-server","state":"Active","created":"2023-05-09",
        "product":{"_id":"nvme-2gb","name":"NVMe 2 GB","location":"AMS","image":"Ubuntu 22.04 64-bit","available_upgrades":["nvme-4gb","nvme-8gb","nvme-16gb"]},
        "network":{"primary_ipaddress":"127.0.0.1"},
        "billing":{"billing_cycle":"monthly","next_due":"2023-06-09","initial_cost":20,"recurring_cost":16,"currency":"USD"}}"#;

    fn doc_server() -> Server {
        serde_json::from_value(parse_tolerant_json(DOC_SERVER).unwrap()).unwrap()
    }

    fn images() -> Vec<String> {
        [
            "almalinux8",
            "ubuntu22",
            "ubuntu20",
            "centos7",
            "centosstream8",
            "debian11",
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn image_ids_are_derived_from_display_names() {
        assert_eq!(
            image_id_from_name("Ubuntu 22.04 64-bit", &images()).as_deref(),
            Some("ubuntu22")
        );
        assert_eq!(
            image_id_from_name("Alma Linux 8 64-bit", &images()).as_deref(),
            Some("almalinux8")
        );
        assert_eq!(
            image_id_from_name("CentOS Stream 8", &images()).as_deref(),
            Some("centosstream8")
        );
        assert_eq!(image_id_from_name("Windows Server 2022", &images()), None);
    }

    #[test]
    fn import_maps_everything_the_api_reports() {
        let mut d = Diagnostics::default();
        let base = ServerResource.import_state("112233", &mut d);
        let s = server_state(&base, &doc_server(), Some("online"), &images());
        assert_eq!(s.get("id").as_str(), Some("112233"));
        assert_eq!(s.get("image").as_str(), Some("ubuntu22"));
        assert_eq!(s.get("power_state").as_str(), Some("running"));
        assert_eq!(s.get("billing").as_str(), Some("monthly"));
        assert_eq!(s.get("location").as_str(), Some("AMS"));
        assert_eq!(s.get("recurring_cost").as_f64(), Some(16.0));
        assert_eq!(s.get("cancel_immediately").as_bool(), Some(true));
        assert_eq!(s.get("available_upgrades").elements().len(), 3);
        assert!(s.is_wholly_known());
    }

    #[test]
    fn configured_arguments_survive_the_mapping() {
        let mut base = Value::null_object(&schema().block.implied_type());
        base.set("image", "ubuntu22");
        base.set("ipv6", true);
        base.set("status", Value::Unknown);
        let s = server_state(&base, &doc_server(), Some("offline"), &[]);
        assert_eq!(s.get("image").as_str(), Some("ubuntu22"));
        assert_eq!(s.get("ipv6").as_bool(), Some(true));
        assert_eq!(s.get("power_state").as_str(), Some("stopped"));
    }

    #[test]
    fn import_rejects_non_numeric_ids() {
        let mut d = Diagnostics::default();
        assert!(ServerResource.import_state("web-1", &mut d).is_null());
        assert!(d.0[0].detail.contains("numeric server id"));
    }

    fn planned_change(product: &str, power: &str) -> (Plan, Diagnostics) {
        let mut d = Diagnostics::default();
        let mut prior = server_state(
            &ServerResource.import_state("112233", &mut d),
            &doc_server(),
            Some("online"),
            &images(),
        );
        prior.set("timeouts", Value::Null);
        let mut config = prior.clone();
        for computed in schema()
            .block
            .attributes
            .iter()
            .filter(|a| a.computed && !a.optional)
        {
            config.set(computed.name, Value::Null);
        }
        config.set("product", product);
        config.set("power_state", power);
        let mut proposed = config.clone();
        for computed in schema()
            .block
            .attributes
            .iter()
            .filter(|a| a.computed && !a.optional)
        {
            proposed.set(computed.name, prior.get(computed.name).clone());
        }
        let mut p = plan(&schema().block, &prior, &proposed, &config, false);
        ServerResource.modify_plan(&mut p, &mut d);
        (p, d)
    }

    #[test]
    fn an_available_upgrade_plans_in_place() {
        let (p, d) = planned_change("nvme-4gb", "running");
        assert!(!d.has_errors(), "{d:?}");
        assert!(p.requires_replace.is_empty());
        assert!(p.planned.get("recurring_cost").is_unknown());
        assert!(p.planned.get("invoice_url").is_unknown());
        assert_eq!(p.planned.get("created").as_str(), Some("2023-05-09"));
    }

    #[test]
    fn an_unavailable_product_is_refused_at_product() {
        let (_, d) = planned_change("nvme-1gb", "running");
        assert_eq!(d.0[0].path, Some(AttrPath::attr("product")));
        assert!(d.0[0].detail.starts_with("nvme-1gb is not an available upgrade of this server; available: nvme-4gb, nvme-8gb, nvme-16gb"), "{}", d.0[0].detail);
    }

    #[test]
    fn a_power_change_makes_status_unknown() {
        let (p, d) = planned_change("nvme-2gb", "stopped");
        assert!(!d.has_errors());
        assert!(p.planned.get("status").is_unknown());
        assert_eq!(p.planned.get("recurring_cost").as_f64(), Some(16.0));
    }

    #[test]
    fn payment_errors_name_the_invoice_and_balance() {
        let order: Order = serde_json::from_value(serde_json::json!({
            "invoice_id": 445566, "invoice_url": "https://cloud.hosthatch.com/invoices/445566", "server_id": 112233,
            "requires_payment": true, "outstanding_balance": {"price": 10, "currency": "USD"}})).unwrap();
        let mut d = Diagnostics::default();
        payment_error(&mut d, "deployment", 112233, &order, "Tainted.");
        let detail = &d.0[0].detail;
        assert!(
            detail.contains("https://cloud.hosthatch.com/invoices/445566")
                && detail.contains("10 USD"),
            "{detail}"
        );
        assert!(
            detail.contains("proceeds once the invoice is paid"),
            "{detail}"
        );
    }
}
