//! Bad-input cases derived from a schema, one set per configurable attribute (top level and
//! in single nested blocks such as `timeouts`): a value of the wrong type, an unknown value,
//! empty and huge text, negative, fractional and huge numbers, and values each of the
//! attribute's checks must refuse.

use crate::tfplugin::schema::{Attribute, Block, Check, Nesting};
use crate::tfplugin::{Type, Value};

/// Longer than any text the schemas accept (see `schema::MAX_TEXT_BYTES`).
pub const HUGE_TEXT_BYTES: usize = 1 << 20;

/// What a case expects.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// An error diagnostic whose attribute path renders as this, at validate or plan.
    ErrorAt(String),
    /// No error at validate or plan (values unknown until apply must not be refused).
    Accepted,
}

/// One invalid configuration: the valid one with `value` at `at`, and `also` set first.
#[derive(Clone, Debug)]
pub struct Case {
    pub what: String,
    /// Attribute names from the top, through single nested blocks.
    pub at: Vec<&'static str>,
    pub value: Value,
    /// The type the value travels as, when it is not the schema's (wrong-type cases).
    pub wire_type: Option<Type>,
    pub also: Vec<(&'static str, Value)>,
    /// Planned as an update from the valid configuration's state with these changes.
    pub prior: Option<Vec<(&'static str, Value)>>,
    pub expect: Expect,
}

impl Case {
    pub fn error(at: Vec<&'static str>, what: impl Into<String>, value: Value) -> Case {
        Case {
            what: what.into(),
            expect: Expect::ErrorAt(at.join(".")),
            at,
            value,
            wire_type: None,
            also: Vec::new(),
            prior: None,
        }
    }

    pub fn group(&self) -> &'static str {
        if self.wire_type.is_some() {
            "wrong type"
        } else if self.expect == Expect::Accepted {
            "unknown at plan"
        } else if self.prior.is_some() || !self.also.is_empty() {
            "conflicting or impossible change"
        } else {
            match &self.value {
                Value::String(s) if s.len() >= HUGE_TEXT_BYTES => "huge value",
                Value::String(s) if s.trim().is_empty() => "empty string",
                Value::Number(n) if n.as_f64().is_some_and(|f| f.abs() > 1e15) => "huge value",
                _ => "out of range or malformed",
            }
        }
    }
}

/// Every generated case of a block.
pub fn cases(block: &Block) -> Vec<Case> {
    let mut out = Vec::new();
    for attr in configurable(block) {
        attribute_cases(vec![attr.name], attr, &mut out);
    }
    for nested in block.blocks.iter().filter(|b| b.nesting == Nesting::Single) {
        for attr in configurable(&nested.block) {
            attribute_cases(vec![nested.type_name, attr.name], attr, &mut out);
        }
    }
    out
}

fn configurable(block: &Block) -> impl Iterator<Item = &Attribute> {
    block.attributes.iter().filter(|a| a.required || a.optional)
}

fn attribute_cases(at: Vec<&'static str>, attr: &Attribute, out: &mut Vec<Case>) {
    let name = at.join(".");
    let (wire_type, wire_value): (Type, Value) = match &attr.ty {
        Type::String => (Type::Bool, true.into()),
        Type::Bool => (Type::String, "maybe".into()),
        Type::Number => (Type::String, "four".into()),
        Type::Map(_) => (Type::Number, 7i64.into()),
        _ => (Type::String, "not a collection".into()),
    };
    out.push(Case {
        wire_type: Some(wire_type),
        ..Case::error(at.clone(), format!("{name} of the wrong type"), wire_value)
    });
    out.push(Case {
        expect: Expect::Accepted,
        ..Case::error(
            at.clone(),
            format!("{name} unknown at plan"),
            Value::Unknown,
        )
    });
    let mut bad = |what: String, value: Value| out.push(Case::error(at.clone(), what, value));
    match &attr.ty {
        Type::String => {
            bad(format!("{name} = \"\""), "".into());
            bad(format!("{name} = \"   \""), "   ".into());
            bad(
                format!("{name} of 1 MiB"),
                "x".repeat(HUGE_TEXT_BYTES).into(),
            );
        }
        Type::Number => {
            bad(format!("{name} = -1"), (-1i64).into());
            bad(format!("{name} = 1e300"), 1e300f64.into());
        }
        Type::Set(elem) | Type::List(elem) if **elem == Type::Number => {
            bad(format!("{name} with -1"), Value::Set(vec![(-1i64).into()]));
        }
        Type::Set(elem) | Type::List(elem) if **elem == Type::String => {
            bad(format!("{name} with \"\""), Value::Set(vec!["".into()]));
            let huge = "x".repeat(HUGE_TEXT_BYTES);
            bad(
                format!("{name} with 1 MiB text"),
                Value::Set(vec![huge.into()]),
            );
        }
        Type::Map(elem) if **elem == Type::String => {
            let huge = "x".repeat(HUGE_TEXT_BYTES);
            let map = [("k".to_string(), Value::from(huge))].into_iter().collect();
            bad(format!("{name} with 1 MiB text"), Value::Map(map));
        }
        _ => {}
    }
    for check in &attr.checks {
        match check {
            Check::OneOf(_) => {
                bad(
                    format!("{name} not one of the choices"),
                    "no-such-choice".into(),
                );
                bad(format!("{name} in other case"), "RUNNING".into());
            }
            Check::IntRange(lo, hi) => {
                bad(format!("{name} = 0.5"), 0.5f64.into());
                bad(format!("{name} = {} (below)", lo - 1), (lo - 1).into());
                // Above 2^50 one more would round to the limit itself as a float.
                let above = if *hi < 1 << 50 {
                    hi + 1
                } else {
                    hi.saturating_mul(2)
                };
                bad(format!("{name} = {above} (above)"), above.into());
            }
            Check::Duration => {
                bad(format!("{name} = \"ten minutes\""), "ten minutes".into());
                bad(format!("{name} = \"5\" (no unit)"), "5".into());
            }
            // Punctuation is a fine password; for every other text check it is malformed.
            Check::Custom(_) if attr.ty == Type::String && !name.contains("password") => {
                bad(format!("{name} = \"%%%\""), "%%%".into());
            }
            Check::Custom(_) => {}
            Check::NonEmpty => {}
        }
    }
}
