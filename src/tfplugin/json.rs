//! The JSON encoding of values: `RawState.json` (the instance attributes as Terraform stored
//! them) and `DynamicValue.json`, plus plain-JSON views that resources use for typed structs.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::types::Type;
use super::value::{Number, Value};

/// Decodes JSON as a value of type `ty`. Attributes the type does not know are dropped (state
/// written by an older schema of the same version); missing attributes become null.
pub fn decode(json: &Json, ty: &Type) -> Result<Value, String> {
    decode_at(json, ty, &mut Vec::new())
}

fn decode_at(json: &Json, ty: &Type, path: &mut Vec<String>) -> Result<Value, String> {
    if json.is_null() {
        return Ok(Value::Null);
    }
    let mismatch = |path: &Vec<String>| {
        let at = if path.is_empty() {
            "the value".to_string()
        } else {
            path.join(".")
        };
        format!("{at}: expected {}, got {json}", ty.to_json())
    };
    match ty {
        Type::Bool => json
            .as_bool()
            .map(Value::Bool)
            .ok_or_else(|| mismatch(path)),
        Type::String => json.as_str().map(Value::from).ok_or_else(|| mismatch(path)),
        Type::Number => match json {
            Json::Number(n) => Number::parse(&n.to_string())
                .map(Value::Number)
                .ok_or_else(|| mismatch(path)),
            Json::String(s) => Number::parse(s)
                .map(Value::Number)
                .ok_or_else(|| mismatch(path)),
            _ => Err(mismatch(path)),
        },
        Type::List(elem) | Type::Set(elem) => {
            let items = json.as_array().ok_or_else(|| mismatch(path))?;
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                out.push(decode_at(item, elem, path)?);
                path.pop();
            }
            Ok(if matches!(ty, Type::Set(_)) {
                Value::Set(out)
            } else {
                Value::List(out)
            })
        }
        Type::Tuple(types) => {
            let items = json
                .as_array()
                .filter(|a| a.len() == types.len())
                .ok_or_else(|| mismatch(path))?;
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, t)) in items.iter().zip(types).enumerate() {
                path.push(i.to_string());
                out.push(decode_at(item, t, path)?);
                path.pop();
            }
            Ok(Value::Tuple(out))
        }
        Type::Map(elem) => {
            let entries = json.as_object().ok_or_else(|| mismatch(path))?;
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                path.push(k.clone());
                out.insert(k.clone(), decode_at(v, elem, path)?);
                path.pop();
            }
            Ok(Value::Map(out))
        }
        Type::Object(attrs) => {
            let entries = json.as_object().ok_or_else(|| mismatch(path))?;
            let mut out = BTreeMap::new();
            for (name, attr_ty) in attrs {
                path.push(name.clone());
                out.insert(
                    name.clone(),
                    decode_at(entries.get(name).unwrap_or(&Json::Null), attr_ty, path)?,
                );
                path.pop();
            }
            Ok(Value::Object(out))
        }
        Type::Dynamic => {
            let entries = json.as_object().ok_or_else(|| mismatch(path))?;
            let inner_ty = Type::from_json(entries.get("type").unwrap_or(&Json::Null))?;
            let inner = decode_at(entries.get("value").unwrap_or(&Json::Null), &inner_ty, path)?;
            Ok(Value::Dynamic(inner_ty, Box::new(inner)))
        }
    }
}

/// A plain JSON view of a value: unknown becomes null, sets become arrays, dynamic values
/// lose their type. Used to fill typed structs with serde.
pub fn to_plain(value: &Value) -> Json {
    match value {
        Value::Null | Value::Unknown => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => match n {
            Number::Int(i) => Json::from(*i),
            Number::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
            Number::Decimal(s) => s
                .parse::<serde_json::Number>()
                .map_or(Json::Null, Json::Number),
        },
        Value::String(s) => Json::String(s.clone()),
        Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
            Json::Array(v.iter().map(to_plain).collect())
        }
        Value::Map(m) | Value::Object(m) => {
            Json::Object(m.iter().map(|(k, v)| (k.clone(), to_plain(v))).collect())
        }
        Value::Dynamic(_, v) => to_plain(v),
    }
}

/// Builds a value of type `ty` from plain JSON (the inverse of [`to_plain`] for typed structs).
/// A `dynamic` position takes the type the JSON itself suggests.
pub fn from_plain(json: &Json, ty: &Type) -> Result<Value, String> {
    match ty {
        Type::Dynamic if json.is_null() => Ok(Value::Null),
        Type::Dynamic => {
            let inferred = plain_type(json);
            Ok(Value::Dynamic(
                inferred.clone(),
                Box::new(decode(json, &inferred)?),
            ))
        }
        _ => decode(json, ty),
    }
}

fn plain_type(json: &Json) -> Type {
    match json {
        Json::Bool(_) => Type::Bool,
        Json::Number(_) => Type::Number,
        Json::Array(items) => Type::Tuple(items.iter().map(plain_type).collect()),
        Json::Object(m) => {
            Type::Object(m.iter().map(|(k, v)| (k.clone(), plain_type(v))).collect())
        }
        Json::String(_) | Json::Null => Type::String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ty() -> Type {
        Type::Object(BTreeMap::from([
            ("id".to_string(), Type::String),
            ("size".to_string(), Type::Number),
            ("tags".to_string(), Type::set(Type::String)),
        ]))
    }

    #[test]
    fn raw_state_fills_missing_and_drops_unknown_attributes() {
        let v = decode(&json!({"id": "1", "gone": true}), &ty()).unwrap();
        assert_eq!(v.get("id").as_str(), Some("1"));
        assert!(v.get("size").is_null());
        assert!(matches!(v, Value::Object(ref m) if !m.contains_key("gone")));
    }

    #[test]
    fn big_numbers_stay_exact() {
        let v = decode(&json!({"size": 123456789012345678901234567890u128}), &ty()).unwrap();
        assert_eq!(
            to_plain(v.get("size")).to_string(),
            "123456789012345678901234567890"
        );
    }

    #[test]
    fn plain_round_trip() {
        let v = decode(&json!({"id": "1", "size": 2.5, "tags": ["a"]}), &ty()).unwrap();
        assert_eq!(from_plain(&to_plain(&v), &ty()).unwrap(), v);
    }

    #[test]
    fn plain_json_in_a_dynamic_position_keeps_its_shape() {
        let v = from_plain(&json!({"n": 1, "tags": ["a"]}), &Type::Dynamic).unwrap();
        let Value::Dynamic(ty, inner) = v else {
            panic!("not dynamic")
        };
        assert_eq!(
            ty.to_json(),
            json!(["object", {"n": "number", "tags": ["tuple", ["string"]]}])
        );
        assert_eq!(inner.get("n").as_i64(), Some(1));
    }

    #[test]
    fn wrong_types_name_the_attribute() {
        let err = decode(&json!({"size": "big"}), &ty()).unwrap_err();
        assert!(err.contains("size"), "{err}");
    }
}
