//! `<vendor>_ipmi_session` (ephemeral, Terraform 1.10 and later): opens a KVM/IPMI session with
//! `POST /servers/{id}/ipmi` and returns its address, username and password. The session is
//! valid for three hours (the API documents no way to end it early); nothing is stored in state.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;

use super::api::TerrahostClient;
use super::{id_of, numeric_id, type_name, Brand};
use crate::support::diag::api_error_diag;
use crate::support::lenient::value::string_of;
use crate::tfplugin::provider::{Ctx, EphemeralResource, Opened};
use crate::tfplugin::{Attribute, Block, Check, Diagnostics, Schema, Type, Value};

/// How long the vendor says a session lasts.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(3 * 60 * 60);

pub struct IpmiSession {
    pub brand: Brand,
}

pub fn schema() -> Schema {
    Schema::new(
        Block::new("A KVM/IPMI console session of a server, valid for three hours. Its credentials are never written to plan or state (Terraform 1.10 and later).")
            .attr(Attribute::required("server_id", Type::String).check(Check::Custom(numeric_id)).describe("Id of the server whose console to open."))
            .attr(Attribute::computed("address", Type::String).describe("Address of the KVM/IPMI interface (`kvm_ip_address`)."))
            .attr(Attribute::computed("username", Type::String).describe("Username of the session."))
            .attr(Attribute::computed("password", Type::String).sensitive().describe("Password of the session."))
            .attr(Attribute::computed("expires_at", Type::String).describe("When the session ends (RFC 3339, three hours after opening).")),
    )
}

fn rfc3339(at: SystemTime) -> String {
    humantime::format_rfc3339_seconds(at).to_string()
}

#[async_trait]
impl EphemeralResource<TerrahostClient> for IpmiSession {
    fn type_name(&self) -> &'static str {
        type_name!(self.brand, "ipmi_session")
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn open(
        &self,
        ctx: &Ctx<TerrahostClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Opened {
        let mut result = config.clone();
        let failed = |result: Value| Opened {
            result,
            private: None,
            renew_at: None,
        };
        let Some(server) = id_of(config, "server_id") else {
            diags.error(
                "Invalid server_id",
                "server_id must be a numeric server id.",
            );
            return failed(result);
        };
        let data = match ctx.client.ipmi(server).await {
            Ok(d) => d,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!(
                        "Cannot open a console session on {} server {server}",
                        self.brand.display()
                    ),
                    &e,
                    &ctx.client.credentials(),
                );
                return failed(result);
            }
        };
        let field = |names: &[&str]| names.iter().find_map(|n| data.get(*n).and_then(string_of));
        let password = field(&["password", "kvm_password"]);
        if let Some(p) = &password {
            crate::tfplugin::log::register_secret(p);
        }
        let (Some(address), Some(username), Some(password)) = (
            field(&["kvm_ip_address", "address"]),
            field(&["username", "kvm_username"]),
            password,
        ) else {
            diags.error("Incomplete console session", format!("POST /servers/{server}/ipmi answered without kvm_ip_address, username or password."));
            return failed(result);
        };
        result.set("address", address);
        result.set("username", username);
        result.set("password", password);
        result.set("expires_at", rfc3339(SystemTime::now() + SESSION_LIFETIME));
        Opened {
            result,
            private: None,
            renew_at: None,
        }
    }
}
