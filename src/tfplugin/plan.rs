//! The generic planner: from prior state, proposed new state and configuration, plans what
//! the schema's flags say. Defaults fill omitted optional+computed attributes; a change of a
//! `force_new` attribute requires replacement; computed values become unknown where they may
//! change and keep their prior value where the schema says they do not (`keep_state`). With no
//! change at all, the plan is exactly the prior state, so there is never a spurious diff.

use super::diag::AttrPath;
use super::schema::Block;
use super::value::Value;

/// A planned change that a resource may still adjust.
pub struct Plan {
    pub prior: Value,
    pub config: Value,
    pub planned: Value,
    pub requires_replace: Vec<AttrPath>,
    /// The prior state came from an import: arguments the vendor cannot report are adopted
    /// from configuration instead of forcing a replacement.
    pub imported: bool,
}

impl Plan {
    pub fn is_create(&self) -> bool {
        self.prior.is_null()
    }

    pub fn is_replace(&self) -> bool {
        !self.requires_replace.is_empty()
    }

    /// True when the planned value of `name` differs from the prior state's.
    pub fn changes(&self, name: &str) -> bool {
        !self.prior.is_null() && !self.planned.get(name).same_as(self.prior.get(name))
    }
}

/// Plans a change of a resource with schema `block`.
pub fn plan(
    block: &Block,
    prior: &Value,
    proposed: &Value,
    config: &Value,
    imported: bool,
) -> Plan {
    let mut p = Plan {
        prior: prior.clone(),
        config: config.clone(),
        planned: proposed.clone(),
        requires_replace: Vec::new(),
        imported,
    };
    if proposed.is_null() {
        return p;
    }
    for name in block.write_only_names() {
        p.planned.set(name, Value::Null);
    }
    for attr in &block.attributes {
        if let Some(default) = &attr.default {
            if config.get(attr.name).is_null() {
                p.planned.set(attr.name, default.clone());
            }
        }
    }
    if !prior.is_null() {
        for attr in block.attributes.iter().filter(|a| a.force_new) {
            let (before, after) = (prior.get(attr.name), p.planned.get(attr.name));
            let adopted = imported && before.is_null();
            if !adopted && !after.same_as(before) {
                p.requires_replace.push(AttrPath::attr(attr.name));
            }
        }
        let changed = block
            .attributes
            .iter()
            .map(|a| a.name)
            .chain(block.blocks.iter().map(|b| b.type_name))
            .any(|name| !p.planned.get(name).same_as(prior.get(name)));
        if !changed {
            p.planned = prior.clone();
            return p;
        }
    }
    let fresh = p.is_create() || p.is_replace();
    for attr in block.attributes.iter().filter(|a| a.computed) {
        let set_by_config = !config.get(attr.name).is_null() || attr.default.is_some();
        if set_by_config {
            continue;
        }
        let keep = !fresh && (attr.keep_state || attr.optional);
        if !keep {
            p.planned.set(attr.name, Value::Unknown);
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::schema::Attribute;
    use crate::tfplugin::types::Type;

    fn block() -> Block {
        Block::new("server")
            .attr(Attribute::computed("id", Type::String).keep_state())
            .attr(Attribute::required("image", Type::String).force_new())
            .attr(Attribute::required("product", Type::String))
            .attr(Attribute::optional_computed("power_state", Type::String))
            .attr(Attribute::optional("cancel_immediately", Type::Bool).default(true))
            .attr(Attribute::computed("status", Type::String))
    }

    fn state(pairs: &[(&str, Value)]) -> Value {
        let mut v = Value::null_object(&block().implied_type());
        for (k, x) in pairs {
            v.set(k, x.clone());
        }
        v
    }

    fn existing() -> Value {
        state(&[
            ("id", "1".into()),
            ("image", "ubuntu22".into()),
            ("product", "small".into()),
            ("power_state", "running".into()),
            ("cancel_immediately", true.into()),
            ("status", "online".into()),
        ])
    }

    /// What Terraform proposes: config values, computed ones from prior state.
    fn proposed(prior: &Value, config: &Value) -> Value {
        let mut v = config.clone();
        for attr in block().attributes.iter().filter(|a| a.computed) {
            if config.get(attr.name).is_null() {
                v.set(attr.name, prior.get(attr.name).clone());
            }
        }
        v
    }

    #[test]
    fn create_marks_computed_unknown_and_fills_defaults() {
        let config = state(&[("image", "ubuntu22".into()), ("product", "small".into())]);
        let p = plan(
            &block(),
            &Value::Null,
            &proposed(&Value::Null, &config),
            &config,
            false,
        );
        assert!(p.planned.get("id").is_unknown());
        assert!(p.planned.get("power_state").is_unknown());
        assert!(p.planned.get("status").is_unknown());
        assert_eq!(p.planned.get("cancel_immediately"), &Value::Bool(true));
        assert!(p.requires_replace.is_empty());
    }

    #[test]
    fn no_change_plans_exactly_the_prior_state() {
        let prior = existing();
        let config = state(&[("image", "ubuntu22".into()), ("product", "small".into())]);
        let p = plan(&block(), &prior, &proposed(&prior, &config), &config, false);
        assert_eq!(p.planned, prior);
    }

    #[test]
    fn in_place_change_keeps_stable_computed_values() {
        let prior = existing();
        let config = state(&[("image", "ubuntu22".into()), ("product", "big".into())]);
        let p = plan(&block(), &prior, &proposed(&prior, &config), &config, false);
        assert_eq!(p.planned.get("id").as_str(), Some("1"));
        assert_eq!(p.planned.get("power_state").as_str(), Some("running"));
        assert!(p.planned.get("status").is_unknown());
        assert!(p.requires_replace.is_empty());
    }

    #[test]
    fn force_new_change_requires_replacement() {
        let prior = existing();
        let config = state(&[("image", "debian11".into()), ("product", "small".into())]);
        let p = plan(&block(), &prior, &proposed(&prior, &config), &config, false);
        assert_eq!(p.requires_replace, vec![AttrPath::attr("image")]);
        assert!(p.planned.get("id").is_unknown());
    }

    #[test]
    fn imported_state_adopts_unreadable_arguments() {
        let mut prior = existing();
        prior.set("image", Value::Null);
        let config = state(&[("image", "ubuntu22".into()), ("product", "small".into())]);
        let p = plan(&block(), &prior, &proposed(&prior, &config), &config, true);
        assert!(p.requires_replace.is_empty());
        let p = plan(&block(), &prior, &proposed(&prior, &config), &config, false);
        assert_eq!(p.requires_replace.len(), 1);
    }

    #[test]
    fn destroy_plans_null() {
        let prior = existing();
        let p = plan(&block(), &prior, &Value::Null, &Value::Null, false);
        assert!(p.planned.is_null());
    }
}
