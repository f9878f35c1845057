//! The traits a vendor implements: a provider (schema, configure, what it offers), its
//! resources and its data sources. Vendors see values, schemas and diagnostics, never gRPC.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::diag::Diagnostics;
use super::plan::Plan;
use super::schema::Schema;
use super::value::Value;

/// A configured provider: its schema, how it builds its API client, and what it offers.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The configured API client shared by every operation of this process.
    type Client: Send + Sync + 'static;

    /// The provider's local name, e.g. `hosthatch`; resource types start with it.
    fn name(&self) -> &'static str;

    /// The registry address, e.g. `registry.terraform.io/hostform/hosthatch`.
    fn registry_address(&self) -> String {
        format!("registry.terraform.io/hostform/{}", self.name())
    }

    fn schema(&self) -> Schema;

    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Builds the client. Returns `None` with an error diagnostic when it cannot, or `None`
    /// without one when the configuration is not known yet (during plan). `stop` is cancelled
    /// when Terraform asks the provider to stop: the client's retry pauses should end then.
    async fn configure(
        &self,
        config: &Value,
        terraform_version: &str,
        stop: CancellationToken,
        diags: &mut Diagnostics,
    ) -> Option<Self::Client>;

    fn resources(&self) -> Vec<Arc<dyn Resource<Self::Client>>>;

    fn data_sources(&self) -> Vec<Arc<dyn DataSource<Self::Client>>>;

    /// Ephemeral resources (Terraform 1.10 and later): values opened for one run and never
    /// stored in plan or state.
    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource<Self::Client>>> {
        Vec::new()
    }
}

/// What one operation gets: the client, the cancellation signal (Terraform's `Stop`), and
/// how long it may wait (from the resource's `timeouts` block or its default).
pub struct Ctx<C> {
    pub client: Arc<C>,
    pub cancel: CancellationToken,
    pub timeout: Duration,
}

/// Default timeouts of a resource, used where its `timeouts` block says nothing.
#[derive(Clone, Copy, Debug)]
pub struct DefaultTimeouts {
    pub create: Duration,
    pub read: Duration,
    pub update: Duration,
    pub delete: Duration,
}

impl Default for DefaultTimeouts {
    fn default() -> DefaultTimeouts {
        DefaultTimeouts {
            create: Duration::from_secs(20 * 60),
            read: Duration::from_secs(5 * 60),
            update: Duration::from_secs(20 * 60),
            delete: Duration::from_secs(20 * 60),
        }
    }
}

/// A managed resource. Contract:
/// - `create` returns the state as soon as the vendor has assigned an id, even when a later
///   wait fails (with an error diagnostic: Terraform then taints it and nothing is orphaned);
/// - `read` returning `Value::Null` removes the resource from state;
/// - `delete` treats "already gone" as success.
#[async_trait]
pub trait Resource<C>: Send + Sync + 'static {
    /// The full type name, e.g. `hosthatch_server`.
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> Schema;

    fn default_timeouts(&self) -> DefaultTimeouts {
        DefaultTimeouts::default()
    }

    /// Checks beyond the schema's own attribute checks (conflicts, cross-attribute rules).
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Adjusts the generic plan: refuse impossible changes, warn about disruptive ones.
    fn modify_plan(&self, _plan: &mut Plan, _diags: &mut Diagnostics) {}

    async fn create(&self, ctx: &Ctx<C>, planned: &Value, diags: &mut Diagnostics) -> Value;

    async fn read(&self, ctx: &Ctx<C>, current: &Value, diags: &mut Diagnostics) -> Value;

    async fn update(
        &self,
        ctx: &Ctx<C>,
        prior: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value;

    async fn delete(&self, ctx: &Ctx<C>, prior: &Value, diags: &mut Diagnostics);

    /// The state to start from for `terraform import ID`; Terraform reads it right after.
    fn import_state(&self, id: &str, diags: &mut Diagnostics) -> Value {
        let _ = diags;
        let mut state = Value::null_object(&self.schema().block.implied_type());
        state.set("id", id);
        state
    }

    /// Rewrites state JSON written with an older schema version into the current one.
    fn upgrade_state(
        &self,
        from_version: i64,
        state: serde_json::Value,
        diags: &mut Diagnostics,
    ) -> serde_json::Value {
        diags.error(
            "Unsupported state version",
            format!(
                "{} has no upgrade from schema version {from_version}.",
                self.type_name()
            ),
        );
        state
    }
}

/// A data source.
#[async_trait]
pub trait DataSource<C>: Send + Sync + 'static {
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> Schema;

    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    async fn read(&self, ctx: &Ctx<C>, config: &Value, diags: &mut Diagnostics) -> Value;
}

/// What opening an ephemeral resource produced.
pub struct Opened {
    /// The result object: the configuration with the computed attributes filled in.
    pub result: Value,
    /// Handed back to `renew` and `close`; never shown to the user or stored.
    pub private: Option<Vec<u8>>,
    /// When Terraform should call `renew`, if the value expires while Terraform runs.
    pub renew_at: Option<SystemTime>,
}

/// An ephemeral resource: Terraform opens it when a run needs its value, may renew it, and
/// closes it when the run is done. Its value is never written to plan or state.
#[async_trait]
pub trait EphemeralResource<C>: Send + Sync + 'static {
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> Schema;

    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    async fn open(&self, ctx: &Ctx<C>, config: &Value, diags: &mut Diagnostics) -> Opened;

    /// Extends the value's life; returns when to renew next, if ever.
    async fn renew(
        &self,
        _ctx: &Ctx<C>,
        _private: Option<&[u8]>,
        _diags: &mut Diagnostics,
    ) -> Option<SystemTime> {
        None
    }

    /// Releases what `open` acquired, e.g. ends a console session.
    async fn close(&self, _ctx: &Ctx<C>, _private: Option<&[u8]>, _diags: &mut Diagnostics) {}
}
