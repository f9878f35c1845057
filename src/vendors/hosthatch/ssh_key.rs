//! `hosthatch_ssh_key`: an SSH public key stored in the HostHatch account, for installing on
//! new servers. Uses `POST /keys`, `GET /keys/{id}` (falling back to `GET /keys`) and
//! `DELETE /keys/{id}`. There is no update endpoint, so every change replaces the key.

use async_trait::async_trait;

use super::api::{HostHatchClient, CREDENTIALS};
use super::models::Key;
use crate::support::diag::api_error_diag;
use crate::support::wait::read_until_found;
use crate::support::ApiError;
use crate::tfplugin::provider::{Ctx, Resource};
use crate::tfplugin::{Attribute, Block, Check, Diagnostics, Schema, Type, Value};

pub const DEFAULT_KEY_TYPE: &str = "sshkey";

pub struct SshKeyResource;

pub fn schema() -> Schema {
    Schema::new(
        Block::new("An SSH public key in the HostHatch account, installable on new servers through `hosthatch_server.ssh_key_ids`.")
            .attr(Attribute::computed("id", Type::String).keep_state().describe("The key's numeric id, as text."))
            .attr(Attribute::required("description", Type::String).force_new().check(Check::NonEmpty).describe("A label for the key. Changing it replaces the key."))
            .attr(Attribute::required("value", Type::String).force_new().check(Check::NonEmpty).check(Check::Custom(crate::support::checks::ssh_public_key)).describe("The public key, e.g. `ssh-ed25519 AAAA... user@host`. Changing it replaces the key."))
            .attr(Attribute::optional("type", Type::String).default(DEFAULT_KEY_TYPE).force_new().describe("The key type (default `sshkey`). Changing it replaces the key.")),
    )
}

/// After a `POST /keys` whose answer was lost: the one key not in `before` with this
/// description and value, looked for a few times since a new key may be listed late.
async fn find_new_key(
    ctx: &Ctx<HostHatchClient>,
    before: &[i64],
    description: &str,
    value: &str,
) -> Option<Key> {
    let single_new = |keys: Vec<Key>| {
        let mut new = keys.into_iter().filter(|k| {
            !before.contains(&k.id)
                && k.description.as_deref() == Some(description)
                && k.value.as_deref().map(str::trim) == Some(value.trim())
        });
        match (new.next(), new.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    };
    read_until_found(
        3,
        |_| ctx.client.poll_interval,
        &ctx.cancel,
        "the list read looking for the created key",
        |_| async { Ok::<_, ApiError>(ctx.client.list_keys().await.ok().and_then(single_new)) },
    )
    .await
    .ok()
    .flatten()
}

/// The state of `key`; fields the answer lacks are kept from `base`.
pub fn key_state(base: &Value, key: &Key) -> Value {
    let mut s = if base.is_null() {
        Value::null_object(&schema().block.implied_type())
    } else {
        base.clone()
    };
    s.set("id", key.id.to_string());
    for (name, value) in [
        ("description", &key.description),
        ("value", &key.value),
        ("type", &key.kind),
    ] {
        if let Some(v) = value {
            s.set(name, v.as_str());
        }
    }
    if s.get("type").is_null() || s.get("type").is_unknown() {
        s.set("type", DEFAULT_KEY_TYPE);
    }
    s
}

fn key_id(state: &Value) -> Option<i64> {
    state.get("id").as_str().and_then(|s| s.trim().parse().ok())
}

#[async_trait]
impl Resource<HostHatchClient> for SshKeyResource {
    fn type_name(&self) -> &'static str {
        "hosthatch_ssh_key"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn create(
        &self,
        ctx: &Ctx<HostHatchClient>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let text = |name: &str| planned.get(name).as_str().unwrap_or_default().to_string();
        let kind = planned
            .get("type")
            .as_str()
            .unwrap_or(DEFAULT_KEY_TYPE)
            .to_string();
        let (description, value) = (text("description"), text("value"));
        let before = ctx.client.list_keys().await.ok();
        match ctx.client.create_key(&kind, &description, &value).await {
            Ok(key) => key_state(planned, &key),
            Err(e) if e.outcome_unknown() && before.is_some() => {
                let before: Vec<i64> = before.unwrap_or_default().iter().map(|k| k.id).collect();
                match find_new_key(ctx, &before, &description, &value).await {
                    Some(key) => {
                        diags.warning(
                            format!("Adopted HostHatch SSH key {}", key.id),
                            format!("The answer to POST /keys was lost ({e}), but a new key {} with this description and value appeared; Terraform manages it instead of adding another.", key.id),
                        );
                        key_state(planned, &key)
                    }
                    None => {
                        api_error_diag(
                            diags,
                            "Cannot create the HostHatch SSH key",
                            &e,
                            CREDENTIALS,
                        );
                        Value::Null
                    }
                }
            }
            Err(e) => {
                api_error_diag(
                    diags,
                    "Cannot create the HostHatch SSH key",
                    &e,
                    CREDENTIALS,
                );
                Value::Null
            }
        }
    }

    async fn read(
        &self,
        ctx: &Ctx<HostHatchClient>,
        current: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(id) = key_id(current) else {
            diags.error(
                "Invalid HostHatch SSH key id",
                "The state holds an id that is not a number.",
            );
            return current.clone();
        };
        match ctx.client.read_key(id).await {
            Ok(key) => key_state(current, &key),
            Err(e) if e.is_not_found() => Value::Null,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read HostHatch SSH key {id}"),
                    &e,
                    CREDENTIALS,
                );
                current.clone()
            }
        }
    }

    async fn update(
        &self,
        _ctx: &Ctx<HostHatchClient>,
        _prior: &Value,
        planned: &Value,
        _diags: &mut Diagnostics,
    ) -> Value {
        planned.clone()
    }

    async fn delete(&self, ctx: &Ctx<HostHatchClient>, prior: &Value, diags: &mut Diagnostics) {
        let Some(id) = key_id(prior) else { return };
        match ctx.client.delete_key(id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => api_error_diag(
                diags,
                &format!("Cannot delete HostHatch SSH key {id}"),
                &e,
                CREDENTIALS,
            ),
        }
    }

    fn import_state(&self, id: &str, diags: &mut Diagnostics) -> Value {
        if id.trim().parse::<i64>().is_err() {
            diags.error(
                "Invalid HostHatch SSH key id",
                format!("Import needs the numeric key id, not {id:?}."),
            );
            return Value::Null;
        }
        let mut state = Value::null_object(&schema().block.implied_type());
        state.set("id", id.trim());
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_incomplete_key_keeps_what_state_knew() {
        let mut base = Value::null_object(&schema().block.implied_type());
        base.set("description", "laptop");
        base.set("value", "ssh-ed25519 AAAA");
        let key = Key {
            id: 7,
            kind: None,
            description: None,
            value: None,
        };
        let s = key_state(&base, &key);
        assert_eq!(s.get("id").as_str(), Some("7"));
        assert_eq!(s.get("description").as_str(), Some("laptop"));
        assert_eq!(s.get("type").as_str(), Some("sshkey"));
    }

    #[test]
    fn import_rejects_non_numeric_ids() {
        let mut d = Diagnostics::default();
        assert!(SshKeyResource.import_state("abc", &mut d).is_null());
        assert!(d.has_errors());
    }
}
