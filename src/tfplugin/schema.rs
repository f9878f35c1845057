//! Schemas of providers, resources and data sources: attributes with their flags (which also
//! drive the generic planner and the validator), nested blocks, and their protocol form.

use std::collections::BTreeMap;

use super::diag::{AttrPath, Diagnostics};
use super::types::Type;
use super::value::Value;
use crate::proto::tfplugin5 as pb;

/// A check on a known attribute value, run at validate time.
#[derive(Clone)]
pub enum Check {
    OneOf(&'static [&'static str]),
    IntRange(i64, i64),
    NonEmpty,
    Duration,
    Custom(fn(&Value) -> Result<(), String>),
}

impl Check {
    fn run(&self, value: &Value) -> Result<(), String> {
        match self {
            Check::OneOf(allowed) => match value.as_str() {
                Some(s) if allowed.contains(&s) => Ok(()),
                _ => Err(format!(
                    "must be one of {}",
                    allowed
                        .iter()
                        .map(|a| format!("{a:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            },
            Check::IntRange(lo, hi) => match value.as_f64() {
                Some(n) if n.fract() == 0.0 && n >= *lo as f64 && n <= *hi as f64 => Ok(()),
                _ => Err(format!("must be a whole number from {lo} to {hi}")),
            },
            Check::NonEmpty => match value.as_str() {
                Some(s) if !s.trim().is_empty() => Ok(()),
                _ => Err("must not be empty".to_string()),
            },
            Check::Duration => match value.as_str() {
                Some(s) => super::timeouts::parse_duration(s).map(|_| ()),
                None => Ok(()),
            },
            Check::Custom(f) => f(value),
        }
    }
}

/// One attribute of a block.
#[derive(Clone)]
pub struct Attribute {
    pub name: &'static str,
    pub ty: Type,
    pub description: &'static str,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    /// A change replaces the object.
    pub force_new: bool,
    /// A computed value that an update does not change: planned from prior state.
    pub keep_state: bool,
    /// Terraform 1.11+: the value is given to create/update but never stored in plan or state.
    pub write_only: bool,
    /// Planned when the configuration leaves the attribute out (optional+computed only).
    pub default: Option<Value>,
    pub checks: Vec<Check>,
    pub env: Option<&'static str>,
}

impl Attribute {
    fn new(name: &'static str, ty: Type) -> Attribute {
        Attribute {
            name,
            ty,
            description: "",
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            force_new: false,
            keep_state: false,
            write_only: false,
            default: None,
            checks: Vec::new(),
            env: None,
        }
    }

    pub fn required(name: &'static str, ty: Type) -> Attribute {
        Attribute {
            required: true,
            ..Attribute::new(name, ty)
        }
    }

    pub fn optional(name: &'static str, ty: Type) -> Attribute {
        Attribute {
            optional: true,
            ..Attribute::new(name, ty)
        }
    }

    pub fn computed(name: &'static str, ty: Type) -> Attribute {
        Attribute {
            computed: true,
            ..Attribute::new(name, ty)
        }
    }

    /// Optional, and computed by the provider (from the API, or a default) when left out.
    pub fn optional_computed(name: &'static str, ty: Type) -> Attribute {
        Attribute {
            optional: true,
            computed: true,
            ..Attribute::new(name, ty)
        }
    }

    pub fn describe(mut self, description: &'static str) -> Attribute {
        self.description = description;
        self
    }

    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }

    pub fn force_new(mut self) -> Attribute {
        self.force_new = true;
        self
    }

    pub fn keep_state(mut self) -> Attribute {
        self.keep_state = true;
        self
    }

    /// Write-only (Terraform 1.11 and later): the configured value reaches create and update,
    /// and is null in every plan and state. Older Terraform is refused at validate.
    pub fn write_only(mut self) -> Attribute {
        self.write_only = true;
        self
    }

    /// A default makes the attribute optional+computed so the plan may fill it in.
    pub fn default(mut self, value: impl Into<Value>) -> Attribute {
        self.default = Some(value.into());
        self.optional = true;
        self.computed = true;
        self.required = false;
        self
    }

    pub fn check(mut self, check: Check) -> Attribute {
        self.checks.push(check);
        self
    }

    /// The environment variable a provider argument falls back to (documentation and configure).
    pub fn env(mut self, var: &'static str) -> Attribute {
        self.env = Some(var);
        self
    }

    fn to_proto(&self) -> pb::schema::Attribute {
        pb::schema::Attribute {
            name: self.name.to_string(),
            r#type: self.ty.to_json_bytes(),
            description: self.description.to_string(),
            required: self.required,
            optional: self.optional,
            computed: self.computed,
            sensitive: self.sensitive,
            write_only: self.write_only,
            description_kind: pb::StringKind::Markdown as i32,
            ..Default::default()
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
}

/// A nested block such as `timeouts { ... }`.
#[derive(Clone)]
pub struct NestedBlock {
    pub type_name: &'static str,
    pub block: Block,
    pub nesting: Nesting,
    pub min_items: i64,
    pub max_items: i64,
}

/// A block: attributes and nested blocks.
#[derive(Clone, Default)]
pub struct Block {
    pub description: &'static str,
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
}

impl Block {
    pub fn new(description: &'static str) -> Block {
        Block {
            description,
            ..Block::default()
        }
    }

    pub fn attr(mut self, attribute: Attribute) -> Block {
        self.attributes.push(attribute);
        self
    }

    pub fn block(mut self, nested: NestedBlock) -> Block {
        self.blocks.push(nested);
        self
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The object type values of this block have.
    /// The names of the write-only attributes of this block (not of nested blocks).
    pub fn write_only_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.attributes
            .iter()
            .filter(|a| a.write_only)
            .map(|a| a.name)
    }

    pub fn implied_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|a| (a.name.to_string(), a.ty.clone()))
            .collect();
        for nb in &self.blocks {
            let inner = nb.block.implied_type();
            let ty = match nb.nesting {
                Nesting::Single => inner,
                Nesting::List => Type::list(inner),
                Nesting::Set => Type::set(inner),
            };
            attrs.insert(nb.type_name.to_string(), ty);
        }
        Type::Object(attrs)
    }

    fn to_proto(&self) -> pb::schema::Block {
        pb::schema::Block {
            attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
            block_types: self
                .blocks
                .iter()
                .map(|nb| pb::schema::NestedBlock {
                    type_name: nb.type_name.to_string(),
                    block: Some(nb.block.to_proto()),
                    nesting: match nb.nesting {
                        Nesting::Single => pb::schema::nested_block::NestingMode::Single,
                        Nesting::List => pb::schema::nested_block::NestingMode::List,
                        Nesting::Set => pb::schema::nested_block::NestingMode::Set,
                    } as i32,
                    min_items: nb.min_items,
                    max_items: nb.max_items,
                })
                .collect(),
            description: self.description.to_string(),
            description_kind: pb::StringKind::Markdown as i32,
            ..Default::default()
        }
    }

    /// Runs the attribute checks on every known value, recursing into nested blocks. Every
    /// configured text must also be shorter than [`MAX_TEXT_BYTES`], and not blank.
    pub fn validate(&self, value: &Value, path: &AttrPath, diags: &mut Diagnostics) {
        for attr in &self.attributes {
            let v = value.get(attr.name);
            if v.is_null() || !v.is_wholly_known() {
                continue;
            }
            if let Err(problem) = check_text(v) {
                let at = path_to(path, attr.name);
                diags.attr_error(
                    at.clone(),
                    format!("Invalid value for {at}"),
                    format!("{} {problem}.", attr.name),
                );
                continue;
            }
            for check in &attr.checks {
                if let Err(problem) = check.run(v) {
                    let at = path_to(path, attr.name);
                    diags.attr_error(
                        at.clone(),
                        format!("Invalid value for {}", at),
                        format!("{} {problem}.", attr.name),
                    );
                }
            }
        }
        for nb in &self.blocks {
            let v = value.get(nb.type_name);
            match nb.nesting {
                Nesting::Single => {
                    if !v.is_null() && !v.is_unknown() {
                        nb.block.validate(v, &path_to(path, nb.type_name), diags);
                    }
                }
                Nesting::List | Nesting::Set => {
                    for (i, item) in v.elements().iter().enumerate() {
                        nb.block.validate(
                            item,
                            &path_to(path, nb.type_name).index(i as i64),
                            diags,
                        );
                    }
                }
            }
        }
    }
}

/// The longest text a configured attribute may hold; no vendor argument comes near it.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// Refuses blank or over-long text anywhere in a configured value.
fn check_text(value: &Value) -> Result<(), String> {
    match value {
        Value::String(s) if s.len() > MAX_TEXT_BYTES => Err(format!(
            "is {} bytes long; at most {MAX_TEXT_BYTES} are accepted",
            s.len()
        )),
        Value::String(s) if s.trim().is_empty() => Err("must not be empty or blank".to_string()),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            items.iter().try_for_each(check_text)
        }
        Value::Object(entries) => entries.values().try_for_each(check_text),
        // A map value may be blank (an empty tag), not huge.
        Value::Map(entries) => entries.values().try_for_each(|v| match v {
            Value::String(s) if s.trim().is_empty() => Ok(()),
            other => check_text(other),
        }),
        _ => Ok(()),
    }
}

fn path_to(base: &AttrPath, name: &str) -> AttrPath {
    base.clone().then(name)
}

/// A versioned schema of a provider, resource or data source.
#[derive(Clone)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
}

impl Schema {
    pub fn new(block: Block) -> Schema {
        Schema { version: 0, block }
    }

    pub fn version(mut self, version: i64) -> Schema {
        self.version = version;
        self
    }

    pub fn to_proto(&self) -> pb::Schema {
        pb::Schema {
            version: self.version,
            block: Some(self.block.to_proto()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block() -> Block {
        Block::new("test")
            .attr(Attribute::required("name", Type::String).check(Check::NonEmpty))
            .attr(Attribute::optional("power", Type::String).check(Check::OneOf(&["on", "off"])))
            .attr(Attribute::optional("count", Type::Number).check(Check::IntRange(0, 4)))
            .block(super::super::timeouts::block(&["create"]))
    }

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        let mut v = Value::null_object(&block().implied_type());
        for (k, x) in pairs {
            v.set(k, x);
        }
        v
    }

    #[test]
    fn checks_point_at_the_attribute() {
        let mut d = Diagnostics::default();
        let mut timeouts = Value::null_object(
            &super::super::timeouts::block(&["create"])
                .block
                .implied_type(),
        );
        timeouts.set("create", "ten minutes");
        let v = obj(vec![
            ("name", "".into()),
            ("power", "maybe".into()),
            ("count", 9i64.into()),
            ("timeouts", timeouts),
        ]);
        block().validate(&v, &AttrPath::default(), &mut d);
        let paths: Vec<String> =
            d.0.iter()
                .map(|x| x.path.as_ref().unwrap().to_string())
                .collect();
        assert_eq!(paths, vec!["name", "power", "count", "timeouts.create"]);
    }

    #[test]
    fn unknown_values_are_not_checked() {
        let mut d = Diagnostics::default();
        block().validate(
            &obj(vec![("name", Value::Unknown)]),
            &AttrPath::default(),
            &mut d,
        );
        assert!(d.0.is_empty());
    }

    #[test]
    fn schema_encodes_types_and_flags() {
        let p = Schema::new(block()).version(2).to_proto();
        assert_eq!(p.version, 2);
        let b = p.block.unwrap();
        assert_eq!(b.attributes[0].r#type, b"\"string\"");
        assert!(b.attributes[0].required);
        assert_eq!(b.block_types[0].type_name, "timeouts");
    }
}
