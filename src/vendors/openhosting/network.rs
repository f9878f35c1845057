//! `openhosting_ip` and `openhosting_vlan`: a static IP address or a VLAN from the resource
//! API (`/resources/ip/...`, `/resources/vlan/...`). Created with a name, renamed in place,
//! destroyed; the id is the address (IP) or the UUID (VLAN).

use async_trait::async_trait;
use serde_json::{Map, Value as Json};

use super::api::{OpenHostingClient, ResourceKind, CREDENTIALS};
use super::fields::{put_list, put_user_metadata, set_strings, set_text, set_user_metadata};
use super::models::Props;
use super::recover::create_or_adopt;
use crate::support::diag::api_error_diag;
use crate::tfplugin::provider::{Ctx, Resource};
use crate::tfplugin::{Attribute, Block, Check, Diagnostics, Schema, Type, Value};

/// One of the two network resource types.
pub struct NetworkResource {
    pub kind: ResourceKind,
}

impl NetworkResource {
    pub const IP: NetworkResource = NetworkResource {
        kind: ResourceKind::Ip,
    };
    pub const VLAN: NetworkResource = NetworkResource {
        kind: ResourceKind::Vlan,
    };
}

pub fn schema(kind: ResourceKind) -> Schema {
    let block = match kind {
        ResourceKind::Ip => Block::new(
            "A static IP address. Bind it to a server with `nic { dhcp = openhosting_ip.x.id }`.",
        )
        .attr(
            Attribute::computed("id", Type::String)
                .keep_state()
                .describe("The address itself."),
        )
        .attr(
            Attribute::computed("netmask", Type::String)
                .keep_state()
                .describe("Netmask to configure with the address."),
        )
        .attr(
            Attribute::computed("gateway", Type::String)
                .keep_state()
                .describe("Gateway to configure with the address."),
        )
        .attr(
            Attribute::computed("nameservers", Type::list(Type::String))
                .keep_state()
                .describe("Name servers to configure with the address."),
        ),
        ResourceKind::Vlan => Block::new(
            "A private VLAN. Attach servers with `nic { vlan = openhosting_vlan.x.id }`.",
        )
        .attr(
            Attribute::computed("id", Type::String)
                .keep_state()
                .describe("The VLAN UUID."),
        ),
    };
    Schema::new(
        block
            .attr(
                Attribute::required("name", Type::String)
                    .check(Check::NonEmpty)
                    .describe("The name; changed in place."),
            )
            .attr(
                Attribute::optional("tags", Type::set(Type::String))
                    .describe("Tags; changed in place."),
            )
            .attr(
                Attribute::optional("user_metadata", Type::map(Type::String))
                    .describe("Your own key/value pairs (`user:KEY`); changed in place."),
            ),
    )
}

/// The state of resource `props`.
pub fn network_state(kind: ResourceKind, base: &Value, props: &Props) -> Value {
    let mut s = if base.is_null() {
        Value::null_object(&schema(kind).block.implied_type())
    } else {
        base.clone()
    };
    set_text(&mut s, "id", props.id("resource"));
    set_text(&mut s, "name", props.text("name"));
    set_strings(&mut s, "tags", props.list("tags"));
    set_user_metadata(&mut s, props);
    if kind == ResourceKind::Ip {
        set_text(&mut s, "netmask", props.text("netmask"));
        set_text(&mut s, "gateway", props.text("gateway"));
        let mut ns = props.list("nameserver");
        if ns.is_empty() {
            ns = props.list("nameservers");
        }
        s.set("nameservers", Value::string_list(ns));
    }
    s
}

fn body(prior: &Value, planned: &Value) -> Map<String, Json> {
    let mut body = Map::new();
    body.insert(
        "name".into(),
        planned.get("name").as_str().unwrap_or_default().into(),
    );
    if planned.get("tags").is_null() && !prior.get("tags").is_null() {
        body.insert("tags".into(), "".into());
    } else {
        put_list(&mut body, "tags", planned.get("tags"));
    }
    put_user_metadata(
        &mut body,
        prior.get("user_metadata"),
        planned.get("user_metadata"),
    );
    body
}

fn id_of(state: &Value) -> Option<String> {
    state
        .get("id")
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[async_trait]
impl Resource<OpenHostingClient> for NetworkResource {
    fn type_name(&self) -> &'static str {
        match self.kind {
            ResourceKind::Ip => "openhosting_ip",
            ResourceKind::Vlan => "openhosting_vlan",
        }
    }

    fn schema(&self) -> Schema {
        schema(self.kind)
    }

    async fn create(
        &self,
        ctx: &Ctx<OpenHostingClient>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let name = planned.get("name").as_str().unwrap_or_default();
        let create_body = body(&Value::Null, planned);
        match create_or_adopt(
            ctx.client.poll_interval,
            &ctx.cancel,
            "resource",
            name,
            || ctx.client.resources_info(self.kind),
            || ctx.client.create_resource(self.kind, &create_body),
        )
        .await
        {
            Ok(created) if created.props.id("resource").is_some() => {
                if let Some((summary, detail)) =
                    created.adoption_note(self.type_name(), "resource", name)
                {
                    diags.warning(summary, detail);
                }
                network_state(self.kind, planned, &created.props)
            }
            Ok(_) => {
                diags.error(format!("Cannot create the {}", self.type_name()), format!("POST /resources/{}/create answered without a `resource` id; it may exist in the account without Terraform knowing it.", self.kind.path()));
                Value::Null
            }
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot create the {}", self.type_name()),
                    &e,
                    CREDENTIALS,
                );
                Value::Null
            }
        }
    }

    async fn read(
        &self,
        ctx: &Ctx<OpenHostingClient>,
        current: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(id) = id_of(current) else {
            return Value::Null;
        };
        match ctx.client.resource_info(self.kind, &id).await {
            Ok(p) => network_state(self.kind, current, &p),
            Err(e) if e.is_not_found() => Value::Null,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read {} {id}", self.type_name()),
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
        let Some(id) = id_of(prior) else {
            return planned.clone();
        };
        match ctx
            .client
            .set_resource(self.kind, &id, &body(prior, planned))
            .await
        {
            Ok(p) => network_state(self.kind, planned, &p),
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot update {} {id}", self.type_name()),
                    &e,
                    CREDENTIALS,
                );
                prior.clone()
            }
        }
    }

    async fn delete(&self, ctx: &Ctx<OpenHostingClient>, prior: &Value, diags: &mut Diagnostics) {
        let Some(id) = id_of(prior) else { return };
        match ctx.client.destroy_resource(self.kind, &id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => api_error_diag(
                diags,
                &format!("Cannot destroy {} {id}", self.type_name()),
                &e,
                CREDENTIALS,
            ),
        }
    }
}
