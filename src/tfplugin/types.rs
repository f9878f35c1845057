//! cty types: the type system Terraform uses for every value it exchanges with a provider, and
//! their JSON notation (`"string"`, `["list","number"]`, `["object",{...}]`).

use std::collections::BTreeMap;

use serde_json::Value as Json;

/// A cty type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    Bool,
    Number,
    String,
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
}

impl Type {
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    pub fn set(element: Type) -> Type {
        Type::Set(Box::new(element))
    }

    pub fn map(element: Type) -> Type {
        Type::Map(Box::new(element))
    }

    /// The type in cty's JSON notation, as the protocol's schema `type` bytes carry it.
    pub fn to_json(&self) -> Json {
        match self {
            Type::Bool => Json::from("bool"),
            Type::Number => Json::from("number"),
            Type::String => Json::from("string"),
            Type::Dynamic => Json::from("dynamic"),
            Type::List(t) => Json::Array(vec!["list".into(), t.to_json()]),
            Type::Set(t) => Json::Array(vec!["set".into(), t.to_json()]),
            Type::Map(t) => Json::Array(vec!["map".into(), t.to_json()]),
            Type::Object(attrs) => Json::Array(vec![
                "object".into(),
                Json::Object(
                    attrs
                        .iter()
                        .map(|(k, t)| (k.clone(), t.to_json()))
                        .collect(),
                ),
            ]),
            Type::Tuple(types) => Json::Array(vec![
                "tuple".into(),
                Json::Array(types.iter().map(Type::to_json).collect()),
            ]),
        }
    }

    /// Parses cty's JSON notation; optional-attribute markers (a third element) are ignored.
    pub fn from_json(json: &Json) -> Result<Type, String> {
        match json {
            Json::String(s) => match s.as_str() {
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(format!("unknown primitive type {other:?}")),
            },
            Json::Array(items) if items.len() >= 2 => {
                let kind = items[0].as_str().unwrap_or_default();
                let arg = &items[1];
                match kind {
                    "list" => Ok(Type::list(Type::from_json(arg)?)),
                    "set" => Ok(Type::set(Type::from_json(arg)?)),
                    "map" => Ok(Type::map(Type::from_json(arg)?)),
                    "object" => {
                        let attrs = arg
                            .as_object()
                            .ok_or("object type needs a map of attributes")?;
                        let mut out = BTreeMap::new();
                        for (name, t) in attrs {
                            out.insert(name.clone(), Type::from_json(t)?);
                        }
                        Ok(Type::Object(out))
                    }
                    "tuple" => {
                        let elems = arg.as_array().ok_or("tuple type needs a list of types")?;
                        Ok(Type::Tuple(
                            elems
                                .iter()
                                .map(Type::from_json)
                                .collect::<Result<_, _>>()?,
                        ))
                    }
                    other => Err(format!("unknown type constructor {other:?}")),
                }
            }
            other => Err(format!("not a type: {other}")),
        }
    }

    /// The JSON notation as compact bytes.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        self.to_json().to_string().into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_notation_round_trips() {
        let t = Type::Object(BTreeMap::from([
            ("ids".to_string(), Type::set(Type::Number)),
            ("tags".to_string(), Type::map(Type::String)),
            (
                "pair".to_string(),
                Type::Tuple(vec![Type::Bool, Type::Dynamic]),
            ),
        ]));
        let json = t.to_json();
        assert_eq!(
            json.to_string(),
            r#"["object",{"ids":["set","number"],"pair":["tuple",["bool","dynamic"]],"tags":["map","string"]}]"#
        );
        assert_eq!(Type::from_json(&json).unwrap(), t);
    }

    #[test]
    fn bad_type_json_is_an_error() {
        assert!(Type::from_json(&serde_json::json!("float")).is_err());
        assert!(Type::from_json(&serde_json::json!(["list"])).is_err());
    }
}
