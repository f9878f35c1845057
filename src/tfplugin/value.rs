//! Terraform values: known, null or unknown, of any cty type, with helpers to read and build
//! the objects that resources work with. The wire codecs live in `msgpack.rs` and `json.rs`.

use std::collections::BTreeMap;

use super::types::Type;

/// A cty number: integers stay exact, other values are floats or, beyond f64, decimal text.
#[derive(Debug, Clone)]
pub enum Number {
    Int(i64),
    Float(f64),
    Decimal(String),
}

impl Number {
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Number::Int(i) => Some(*i as f64),
            Number::Float(f) => Some(*f),
            Number::Decimal(s) => s.parse().ok(),
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
            Number::Float(_) => None,
            Number::Decimal(s) => s.parse().ok(),
        }
    }

    /// Builds the narrowest exact representation of a float.
    pub fn from_f64(f: f64) -> Number {
        if f.fract() == 0.0 && f.abs() < 9.0e15 {
            Number::Int(f as i64)
        } else {
            Number::Float(f)
        }
    }

    /// Parses decimal text: integers beyond i64 stay exact as decimal text.
    pub fn parse(text: &str) -> Option<Number> {
        let text = text.trim();
        if let Ok(i) = text.parse::<i64>() {
            return Some(Number::Int(i));
        }
        let f: f64 = text.parse().ok().filter(|f: &f64| f.is_finite())?;
        if text.contains(['.', 'e', 'E']) {
            Some(Number::from_f64(f))
        } else {
            Some(Number::Decimal(text.to_string()))
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            (Number::Decimal(a), Number::Decimal(b)) => a == b,
            _ => self.as_f64() == other.as_f64(),
        }
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
            Number::Decimal(s) => f.write_str(s),
        }
    }
}

/// A Terraform value. Objects and maps are ordered by key; sets keep arrival order.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// Not known until apply. Refinements sent by newer Terraform are accepted and dropped.
    Unknown,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    Set(Vec<Value>),
    Tuple(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    /// A value of an attribute typed `dynamic`, carrying its concrete type.
    Dynamic(Type, Box<Value>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// True when the value and everything inside it is known.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                v.iter().all(Value::is_wholly_known)
            }
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            Value::Dynamic(_, v) => v.is_wholly_known(),
            _ => true,
        }
    }

    /// An attribute of an object; `Null` for anything else or a missing attribute.
    pub fn get(&self, name: &str) -> &Value {
        match self {
            Value::Object(m) | Value::Map(m) => m.get(name).unwrap_or(&Value::Null),
            _ => &Value::Null,
        }
    }

    /// Sets an attribute of an object (no effect on other values).
    pub fn set(&mut self, name: &str, value: impl Into<Value>) {
        if let Value::Object(m) = self {
            m.insert(name.to_string(), value.into());
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// Elements of a list, set or tuple (empty for anything else).
    pub fn elements(&self) -> &[Value] {
        match self {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => v,
            _ => &[],
        }
    }

    /// Equality that treats sets as unordered, recursively.
    pub fn same_as(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Set(a), Value::Set(b)) => {
                a.len() == b.len() && a.iter().all(|x| b.iter().any(|y| x.same_as(y)))
            }
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_as(y))
            }
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, x)| b.get(k).is_some_and(|y| x.same_as(y)))
            }
            (Value::Dynamic(ta, a), Value::Dynamic(tb, b)) => ta == tb && a.same_as(b),
            _ => self == other,
        }
    }

    /// An object with every attribute null, shaped like `ty`.
    pub fn null_object(ty: &Type) -> Value {
        match ty {
            Type::Object(attrs) => {
                Value::Object(attrs.keys().map(|k| (k.clone(), Value::Null)).collect())
            }
            _ => Value::Null,
        }
    }

    /// A string set/list from strings.
    pub fn string_list<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Value {
        Value::List(items.into_iter().map(|s| Value::String(s.into())).collect())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Number(Number::Int(i))
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Number(Number::from_f64(f))
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_value() {
        assert_eq!(Number::Int(2), Number::Float(2.0));
        assert_ne!(Number::Int(2), Number::Float(2.5));
        assert_eq!(Number::parse("3.25"), Some(Number::Float(3.25)));
        assert_eq!(Number::parse("12"), Some(Number::Int(12)));
        assert!(matches!(
            Number::parse("123456789012345678901234567890"),
            Some(Number::Decimal(_))
        ));
        assert_eq!(Number::parse("abc"), None);
    }

    #[test]
    fn sets_compare_unordered() {
        let a = Value::Set(vec![1i64.into(), 2i64.into()]);
        let b = Value::Set(vec![2i64.into(), 1i64.into()]);
        assert!(a.same_as(&b));
        assert!(!Value::List(vec![1i64.into(), 2i64.into()])
            .same_as(&Value::List(vec![2i64.into(), 1i64.into()])));
    }

    #[test]
    fn wholly_known_looks_inside() {
        let v = Value::Object(BTreeMap::from([(
            "a".into(),
            Value::List(vec![Value::Unknown]),
        )]));
        assert!(!v.is_wholly_known());
        assert!(Value::Null.is_wholly_known());
    }
}
