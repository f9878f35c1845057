//! Drift, change half: an argument changed out of band (through the simulator's admin routes)
//! is read back, and planning the unchanged configuration against it through the core planner
//! (`tfplugin::plan` then the resource's `modify_plan`, as PlanResourceChange does) gives an
//! update in place or a replacement, as the schema says, and never an error. The table checks
//! every resource type has a change case or a reason why nothing can drift.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::Value as Jv;

use super::planned;
use crate::tfplugin::plan::plan;
use crate::tfplugin::provider::Resource;
use crate::tfplugin::{Block, Diagnostics, Value};
use crate::vendors::test_support::{ctx, object_of, Sim};

/// Resource types with a change case below.
const CHANGE_CASES: &[&str] = &[
    "hosthatch_ssh_key",
    "hosthatch_server",
    "hoster_vm",
    "hoster_dedicated_server",
    "openhosting_drive",
    "openhosting_ip",
    "openhosting_vlan",
    "openhosting_server",
    "terrahost_server",
    "terrahost_snapshot",
    "terrahost_reverse_dns",
    "gigahost_server",
    "gigahost_snapshot",
    "gigahost_reverse_dns",
];

/// Types where no argument can change out of band: (type, why).
const NOTHING_CHANGEABLE: &[(&str, &str)] = &[
    (
        "hoster_software",
        "the API cannot read installed software; read only checks the machine exists",
    ),
    (
        "hoster_vm_backup",
        "a backup is its VM and timestamp, neither of which can change; only deletion drifts",
    ),
    (
        "terrahost_ipv4",
        "server_id and ip_type are fixed by the order; address, netmask, gateway and type are computed and read into state",
    ),
    (
        "gigahost_ipv4",
        "as terrahost_ipv4 (same implementation)",
    ),
];

#[test]
fn every_resource_type_has_a_change_case_or_a_reason() {
    let all: BTreeSet<&str> = crate::vendors::catalogues()
        .iter()
        .flat_map(|c| c.resources.iter().map(|r| r.type_name))
        .collect();
    let listed: BTreeSet<&str> = CHANGE_CASES
        .iter()
        .copied()
        .chain(NOTHING_CHANGEABLE.iter().map(|(t, _)| *t))
        .collect();
    assert_eq!(all, listed, "resource types vs the change table");
    println!(
        "DRIFT changed out of band: {} resource types with a change case, {} with nothing changeable",
        CHANGE_CASES.len(),
        NOTHING_CHANGEABLE.len()
    );
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Expect {
    Update,
    Replace,
    /// The plan stops with an error diagnostic at the attribute whose summary contains this:
    /// only where the provider deliberately refuses (see the case).
    Refused(&'static str),
}

/// The admin PATCH (path under `/_sim/`, body) that changes the object of a created state.
type AdminPatch<'a> = dyn Fn(&Value) -> (String, Jv) + 'a;

/// One row: the type, its configuration, the admin PATCH (path, body) made from the created
/// state, the argument that drifts and the plan expected.
pub(super) struct Case<'a> {
    type_name: String,
    config: Vec<(&'static str, Value)>,
    change: Box<AdminPatch<'a>>,
    attr: &'static str,
    expect: Expect,
}

pub(super) fn case<'a>(
    type_name: impl Into<String>,
    config: Vec<(&'static str, Value)>,
    change: impl Fn(&Value) -> (String, Jv) + 'a,
    attr: &'static str,
    expect: Expect,
) -> Case<'a> {
    Case {
        type_name: type_name.into(),
        config,
        change: Box::new(change),
        attr,
        expect,
    }
}

pub(super) fn id_of(state: &Value) -> String {
    state.get("id").as_str().unwrap_or_default().to_string()
}

/// What Terraform proposes from the configuration and the refreshed state: configured values,
/// and the state's values where a computed attribute or a block is not configured.
fn proposed(block: &Block, prior: &Value, config: &Value) -> Value {
    let mut v = config.clone();
    for a in block.attributes.iter().filter(|a| a.computed) {
        if config.get(a.name).is_null() {
            v.set(a.name, prior.get(a.name).clone());
        }
    }
    for b in &block.blocks {
        if config.get(b.type_name).is_null() {
            v.set(b.type_name, prior.get(b.type_name).clone());
        }
    }
    v
}

/// Runs `case`: create, change out of band, read, plan, check, then destroy.
pub(super) async fn run<C: Send + Sync + 'static>(
    sim: &Sim,
    resources: Vec<Arc<dyn Resource<C>>>,
    client: &Arc<C>,
    case: Case<'_>,
) {
    let name = case.type_name.as_str();
    let resource = resources
        .into_iter()
        .find(|r| r.type_name() == name)
        .unwrap_or_else(|| panic!("no resource {name}"));
    let schema = resource.schema();
    let c = ctx(client, Duration::from_secs(30));
    let mut d = Diagnostics::default();
    let created = resource
        .create(&c, &planned(&schema, &case.config), &mut d)
        .await;
    assert!(!d.has_errors(), "{name} create: {d:?}");
    let (path, body) = (case.change)(&created);
    sim.admin(Method::PATCH, &path, Some(body)).await;
    let read = resource.read(&c, &created, &mut d).await;
    assert!(!d.has_errors(), "{name} read: {d:?}");
    assert!(
        !read.get(case.attr).same_as(created.get(case.attr)),
        "{name}: the out-of-band change of {} is not read: {read:?}",
        case.attr
    );
    let config = object_of(&schema, &case.config);
    let proposal = proposed(&schema.block, &read, &config);
    let mut p = plan(&schema.block, &read, &proposal, &config, false);
    let mut plan_diags = Diagnostics::default();
    resource.modify_plan(&mut p, &mut plan_diags);
    if let Expect::Refused(summary) = case.expect {
        let at_attr = plan_diags
            .0
            .iter()
            .any(|x| x.summary.contains(summary) && format!("{:?}", x.path).contains(case.attr));
        assert!(at_attr, "{name}: expected {summary:?}: {plan_diags:?}");
    } else {
        assert!(!plan_diags.has_errors(), "{name} plan: {plan_diags:?}");
    }
    assert!(!p.is_create(), "{name}: planned a create");
    match case.expect {
        Expect::Update => {
            assert!(
                !p.is_replace(),
                "{name}: replaced for {:?}",
                p.requires_replace
            );
            assert!(p.changes(case.attr), "{name}: no update of {}", case.attr);
            assert!(
                p.planned.get(case.attr).same_as(config.get(case.attr)),
                "{name}: {} planned {:?}",
                case.attr,
                p.planned.get(case.attr)
            );
        }
        Expect::Refused(_) => {}
        Expect::Replace => {
            let paths = format!("{:?}", p.requires_replace);
            assert!(
                paths.contains(case.attr),
                "{name}: replacement for {paths}, not {}",
                case.attr
            );
        }
    }
    resource.delete(&c, &read, &mut d).await;
    assert!(!d.has_errors(), "{name} delete: {d:?}");
}
