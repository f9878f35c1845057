//! The msgpack encoding of `DynamicValue`, decoded and encoded against the schema's type:
//! any extension is unknown (plain `d4 00 00` or refined, type 12), numbers arrive as any
//! integer width, float or decimal string, and `dynamic` values travel as `[type JSON, value]`.

use std::collections::BTreeMap;

use rmpv::Value as Mp;

use super::diag::{AttrPath, PathStep};
use super::types::Type;
use super::value::{Number, Value};

/// Decodes msgpack bytes as a value of type `ty`.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, String> {
    decode_at(bytes, ty).map_err(|(_, message)| message)
}

/// Like [`decode`], and on error also where in the value it happened (empty: the whole).
pub fn decode_at(bytes: &[u8], ty: &Type) -> Result<Value, (AttrPath, String)> {
    let mut reader = bytes;
    let mp = rmpv::decode::read_value(&mut reader)
        .map_err(|e| (AttrPath::default(), format!("invalid msgpack: {e}")))?;
    if !reader.is_empty() {
        return Err((
            AttrPath::default(),
            format!("{} unexpected bytes after the msgpack value", reader.len()),
        ));
    }
    let mut path = Vec::new();
    // On error `from_mp` returns without popping, so `path` is where it failed.
    from_mp(&mp, ty, &mut path).map_err(|message| (AttrPath(path), message))
}

/// Encodes a value of type `ty` as msgpack.
pub fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, String> {
    let mp = to_mp(value, ty)?;
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, &mp).map_err(|e| e.to_string())?;
    Ok(out)
}

fn at(path: &[PathStep]) -> String {
    if path.is_empty() {
        "the value".to_string()
    } else {
        AttrPath(path.to_vec()).to_string()
    }
}

fn from_mp(mp: &Mp, ty: &Type, path: &mut Vec<PathStep>) -> Result<Value, String> {
    if let Mp::Ext(_, _) = mp {
        return Ok(Value::Unknown);
    }
    if mp.is_nil() {
        return Ok(Value::Null);
    }
    let mismatch =
        |path: &Vec<PathStep>| format!("{}: expected {}, got {mp}", at(path), ty.to_json());
    match ty {
        Type::Bool => mp.as_bool().map(Value::Bool).ok_or_else(|| mismatch(path)),
        Type::String => match mp {
            Mp::String(s) => s.as_str().map(Value::from).ok_or_else(|| mismatch(path)),
            Mp::Binary(b) => String::from_utf8(b.clone())
                .map(Value::String)
                .map_err(|_| mismatch(path)),
            _ => Err(mismatch(path)),
        },
        Type::Number => number_from_mp(mp)
            .map(Value::Number)
            .ok_or_else(|| mismatch(path)),
        Type::List(elem) | Type::Set(elem) => {
            let items = mp.as_array().ok_or_else(|| mismatch(path))?;
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                path.push(PathStep::Index(i as i64));
                out.push(from_mp(item, elem, path)?);
                path.pop();
            }
            Ok(if matches!(ty, Type::Set(_)) {
                Value::Set(out)
            } else {
                Value::List(out)
            })
        }
        Type::Tuple(types) => {
            let items = mp.as_array().ok_or_else(|| mismatch(path))?;
            if items.len() != types.len() {
                return Err(format!(
                    "{}: tuple needs {} elements, got {}",
                    at(path),
                    types.len(),
                    items.len()
                ));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, t)) in items.iter().zip(types).enumerate() {
                path.push(PathStep::Index(i as i64));
                out.push(from_mp(item, t, path)?);
                path.pop();
            }
            Ok(Value::Tuple(out))
        }
        Type::Map(elem) => {
            let entries = mp.as_map().ok_or_else(|| mismatch(path))?;
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                let key = k
                    .as_str()
                    .ok_or_else(|| format!("{}: map key is not a string", at(path)))?;
                path.push(PathStep::Key(key.to_string()));
                out.insert(key.to_string(), from_mp(v, elem, path)?);
                path.pop();
            }
            Ok(Value::Map(out))
        }
        Type::Object(attrs) => {
            let entries = mp.as_map().ok_or_else(|| mismatch(path))?;
            let mut out: BTreeMap<String, Value> =
                attrs.keys().map(|k| (k.clone(), Value::Null)).collect();
            for (k, v) in entries {
                let key = k
                    .as_str()
                    .ok_or_else(|| format!("{}: attribute name is not a string", at(path)))?;
                let attr_ty = attrs
                    .get(key)
                    .ok_or_else(|| format!("{}: unsupported attribute {key:?}", at(path)))?;
                path.push(PathStep::Attribute(key.to_string()));
                out.insert(key.to_string(), from_mp(v, attr_ty, path)?);
                path.pop();
            }
            Ok(Value::Object(out))
        }
        Type::Dynamic => {
            let pair = mp
                .as_array()
                .filter(|a| a.len() == 2)
                .ok_or_else(|| mismatch(path))?;
            let type_json = match &pair[0] {
                Mp::Binary(b) => b.clone(),
                Mp::String(s) => s.as_bytes().to_vec(),
                _ => return Err(format!("{}: dynamic value without a type", at(path))),
            };
            let json: serde_json::Value = serde_json::from_slice(&type_json)
                .map_err(|e| format!("{}: bad dynamic type: {e}", at(path)))?;
            let inner_ty = Type::from_json(&json)?;
            let inner = from_mp(&pair[1], &inner_ty, path)?;
            Ok(Value::Dynamic(inner_ty, Box::new(inner)))
        }
    }
}

fn number_from_mp(mp: &Mp) -> Option<Number> {
    match mp {
        Mp::Integer(i) => i
            .as_i64()
            .map(Number::Int)
            .or_else(|| i.as_u64().map(|u| Number::Decimal(u.to_string()))),
        Mp::F32(f) => Some(Number::from_f64(f64::from(*f))),
        Mp::F64(f) => Some(Number::from_f64(*f)),
        Mp::String(s) => s.as_str().and_then(Number::parse),
        _ => None,
    }
}

fn number_to_mp(n: &Number) -> Mp {
    match n {
        Number::Int(i) => Mp::from(*i),
        Number::Float(f) => Mp::F64(*f),
        Number::Decimal(s) => Mp::from(s.as_str()),
    }
}

fn to_mp(value: &Value, ty: &Type) -> Result<Mp, String> {
    let mismatch = || format!("cannot encode {value:?} as {}", ty.to_json());
    Ok(match (value, ty) {
        (Value::Null, _) => Mp::Nil,
        (Value::Unknown, _) => Mp::Ext(0, vec![0]),
        (Value::Bool(b), Type::Bool) => Mp::Boolean(*b),
        (Value::String(s), Type::String) => Mp::from(s.as_str()),
        (Value::Number(n), Type::Number) => number_to_mp(n),
        (Value::List(items) | Value::Set(items), Type::List(elem) | Type::Set(elem)) => Mp::Array(
            items
                .iter()
                .map(|v| to_mp(v, elem))
                .collect::<Result<_, _>>()?,
        ),
        (Value::Tuple(items) | Value::List(items), Type::Tuple(types))
            if items.len() == types.len() =>
        {
            Mp::Array(
                items
                    .iter()
                    .zip(types)
                    .map(|(v, t)| to_mp(v, t))
                    .collect::<Result<_, _>>()?,
            )
        }
        (Value::Map(m) | Value::Object(m), Type::Map(elem)) => Mp::Map(
            m.iter()
                .map(|(k, v)| Ok((Mp::from(k.as_str()), to_mp(v, elem)?)))
                .collect::<Result<_, String>>()?,
        ),
        (Value::Object(m), Type::Object(attrs)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(format!("attribute {extra:?} is not in the schema"));
            }
            Mp::Map(
                attrs
                    .iter()
                    .map(|(k, t)| {
                        Ok((
                            Mp::from(k.as_str()),
                            to_mp(m.get(k).unwrap_or(&Value::Null), t)?,
                        ))
                    })
                    .collect::<Result<_, String>>()?,
            )
        }
        (Value::Dynamic(inner_ty, inner), Type::Dynamic) => Mp::Array(vec![
            Mp::Binary(inner_ty.to_json_bytes()),
            to_mp(inner, inner_ty)?,
        ]),
        (other, Type::Dynamic) => {
            let inner_ty = infer_type(other).ok_or_else(mismatch)?;
            Mp::Array(vec![
                Mp::Binary(inner_ty.to_json_bytes()),
                to_mp(other, &inner_ty)?,
            ])
        }
        _ => return Err(mismatch()),
    })
}

/// The type of a known value placed in a `dynamic` attribute without an explicit type.
fn infer_type(value: &Value) -> Option<Type> {
    Some(match value {
        Value::Bool(_) => Type::Bool,
        Value::Number(_) => Type::Number,
        Value::String(_) => Type::String,
        Value::Tuple(items) | Value::List(items) => {
            Type::Tuple(items.iter().map(infer_type).collect::<Option<_>>()?)
        }
        Value::Object(m) | Value::Map(m) => Type::Object(
            m.iter()
                .map(|(k, v)| Some((k.clone(), infer_type(v)?)))
                .collect::<Option<_>>()?,
        ),
        Value::Dynamic(t, _) => t.clone(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn server_type() -> Type {
        Type::Object(BTreeMap::from([
            ("id".to_string(), Type::String),
            ("count".to_string(), Type::Number),
            ("on".to_string(), Type::Bool),
            ("keys".to_string(), Type::set(Type::Number)),
            ("tags".to_string(), Type::map(Type::String)),
            ("any".to_string(), Type::Dynamic),
        ]))
    }

    #[test]
    fn round_trips_every_kind_including_unknowns() {
        let ty = server_type();
        let v = obj(&[
            ("id", Value::Unknown),
            ("count", Value::from(3i64)),
            ("on", Value::Null),
            ("keys", Value::Set(vec![Value::from(1i64), Value::Unknown])),
            (
                "tags",
                Value::Map(BTreeMap::from([("a".into(), "b".into())])),
            ),
            (
                "any",
                Value::Dynamic(Type::String, Box::new("hello".into())),
            ),
        ]);
        let bytes = encode(&v, &ty).unwrap();
        assert_eq!(decode(&bytes, &ty).unwrap(), v);
    }

    #[test]
    fn plain_unknown_is_fixext1_type_zero() {
        assert_eq!(
            encode(&Value::Unknown, &Type::String).unwrap(),
            vec![0xd4, 0, 0]
        );
    }

    #[test]
    fn refined_unknown_is_accepted() {
        // "unknown, not null" as Terraform >= 1.6 sends it: ext type 12 with {1: false}.
        let bytes = [0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2];
        assert_eq!(decode(&bytes, &Type::String).unwrap(), Value::Unknown);
    }

    #[test]
    fn dynamic_value_wire_form() {
        let bytes = [
            0x92, 0xc4, 0x08, b'"', b's', b't', b'r', b'i', b'n', b'g', b'"', 0xa5, b'h', b'e',
            b'l', b'l', b'o',
        ];
        let v = decode(&bytes, &Type::Dynamic).unwrap();
        assert_eq!(v, Value::Dynamic(Type::String, Box::new("hello".into())));
        assert_eq!(encode(&v, &Type::Dynamic).unwrap(), bytes.to_vec());
    }

    #[test]
    fn numbers_in_every_width_and_as_text() {
        let cases: Vec<(Vec<u8>, Number)> = vec![
            (vec![0x05], Number::Int(5)),
            (vec![0xd0, 0xfb], Number::Int(-5)),
            (vec![0xcd, 0x01, 0x00], Number::Int(256)),
            (vec![0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0], Number::Float(1.5)),
            (vec![0xca, 0x3f, 0xc0, 0, 0], Number::Float(1.5)),
            (vec![0xa3, b'1', b'.', b'5'], Number::Float(1.5)),
            (
                vec![0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                Number::Decimal(u64::MAX.to_string()),
            ),
        ];
        for (bytes, want) in cases {
            assert_eq!(decode(&bytes, &Type::Number).unwrap(), Value::Number(want));
        }
    }

    #[test]
    fn objects_missing_attributes_decode_as_null_and_extra_attributes_fail() {
        let ty = server_type();
        let partial = encode(
            &obj(&[("id", "x".into())]),
            &Type::Object(BTreeMap::from([("id".to_string(), Type::String)])),
        )
        .unwrap();
        let v = decode(&partial, &ty).unwrap();
        assert_eq!(v.get("count"), &Value::Null);
        let extra = encode(
            &obj(&[("zzz", "x".into())]),
            &Type::Object(BTreeMap::from([("zzz".to_string(), Type::String)])),
        )
        .unwrap();
        assert!(decode(&extra, &ty).unwrap_err().contains("zzz"));
    }

    #[test]
    fn encoding_always_carries_every_attribute() {
        let ty = server_type();
        let bytes = encode(&obj(&[("id", "x".into())]), &ty).unwrap();
        let mp = rmpv::decode::read_value(&mut bytes.as_slice()).unwrap();
        assert_eq!(mp.as_map().unwrap().len(), 6);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bytes in [&[0x93][..], &[0x92, 0x01][..], &[0xa5, b'x'][..], &[][..]] {
            assert!(decode(bytes, &server_type()).is_err(), "{bytes:?}");
        }
        assert!(decode(&[0x01], &Type::String).is_err());
    }
}
