//! Decoding helpers for vendor JSON that does not keep its own types: numbers sent as strings,
//! strings sent as numbers, booleans as `true`/`"1"`/`0`, and example bodies with trailing or
//! doubled commas and lists closed with `}`.

use serde::{Deserialize, Deserializer};
use serde_json::Value as Json;

/// A number from a JSON number or a numeric string.
fn json_to_f64(json: &Json) -> Option<f64> {
    match json {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A whole number from a JSON number or a numeric string (`"111"`, `111`, `111.0`).
fn json_to_i64(json: &Json) -> Option<i64> {
    match json {
        Json::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Json::String(s) => {
            let s = s.trim();
            s.parse().ok().or_else(|| {
                s.parse::<f64>()
                    .ok()
                    .filter(|f| f.fract() == 0.0)
                    .map(|f| f as i64)
            })
        }
        _ => None,
    }
}

/// A boolean from `true`/`false`, `1`/`0`, `"1"`/`"0"`, `"true"`/`"false"`, `"yes"`/`"no"`.
fn json_to_bool(json: &Json) -> Option<bool> {
    match json {
        Json::Bool(b) => Some(*b),
        Json::Number(n) => n.as_f64().map(|f| f != 0.0),
        Json::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Some(true),
            "0" | "false" | "no" | "off" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Text from a JSON string, or the decimal form of a number or boolean.
fn json_to_string(json: &Json) -> Option<String> {
    match json {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn required<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    convert: fn(&Json) -> Option<T>,
    what: &str,
) -> Result<T, D::Error> {
    let json = Json::deserialize(deserializer)?;
    convert(&json).ok_or_else(|| serde::de::Error::custom(format!("expected {what}, got {json}")))
}

fn optional<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    convert: fn(&Json) -> Option<T>,
    what: &str,
) -> Result<Option<T>, D::Error> {
    let json = Json::deserialize(deserializer)?;
    if json.is_null() {
        return Ok(None);
    }
    convert(&json)
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("expected {what}, got {json}")))
}

pub fn de_i64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    required(d, json_to_i64, "a whole number")
}

pub fn de_opt_i64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    optional(d, json_to_i64, "a whole number")
}

pub fn de_f64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    required(d, json_to_f64, "a number")
}

pub fn de_opt_f64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    optional(d, json_to_f64, "a number")
}

pub fn de_bool_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    required(d, json_to_bool, "a boolean")
}

pub fn de_opt_bool_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    optional(d, json_to_bool, "a boolean")
}

/// A string that some payloads send as a number (e.g. an id or a URL typed `int`).
pub fn de_opt_string_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    optional(d, json_to_string, "a string")
}

/// The same conversions for code that walks a `serde_json::Value` by hand.
pub mod value {
    use serde_json::Value as Json;

    pub fn i64_of(json: &Json) -> Option<i64> {
        super::json_to_i64(json)
    }

    pub fn f64_of(json: &Json) -> Option<f64> {
        super::json_to_f64(json)
    }

    pub fn bool_of(json: &Json) -> Option<bool> {
        super::json_to_bool(json)
    }

    pub fn string_of(json: &Json) -> Option<String> {
        super::json_to_string(json)
    }
}

/// Parses JSON, first strictly and then after repairing what vendor examples get wrong:
/// commas before `}`/`]`, doubled commas and a bracket closed by the wrong kind of closer.
/// Text inside strings is never changed. The error is the strict parser's complaint.
pub fn parse_tolerant_json(text: &str) -> Result<Json, String> {
    let strict_error = match serde_json::from_str(text) {
        Ok(json) => return Ok(json),
        Err(e) => e.to_string(),
    };
    serde_json::from_str(&repair(text)).map_err(|_| strict_error)
}

fn repair(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut openers: Vec<char> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                openers.push(c);
                out.push(c);
            }
            '}' | ']' => {
                let closer = match openers.pop() {
                    Some('[') => ']',
                    Some(_) => '}',
                    None => c,
                };
                out.push(closer);
            }
            ',' => {
                let next = chars
                    .get(i + 1..)
                    .unwrap_or_default()
                    .iter()
                    .find(|n| !n.is_whitespace());
                let previous = out.chars().rev().find(|p| !p.is_whitespace());
                let dangling = matches!(next, Some('}' | ']' | ',') | None);
                let leading = matches!(previous, Some('{' | '[') | None);
                if !dangling && !leading {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Mixed {
        #[serde(deserialize_with = "de_i64_lenient")]
        id: i64,
        #[serde(default, deserialize_with = "de_opt_f64_lenient")]
        total: Option<f64>,
        #[serde(default, deserialize_with = "de_opt_bool_lenient")]
        paid: Option<bool>,
        #[serde(default, deserialize_with = "de_opt_string_lenient")]
        url: Option<String>,
    }

    fn mixed(text: &str) -> Mixed {
        serde_json::from_value(parse_tolerant_json(text).unwrap()).unwrap()
    }

    #[test]
    fn numbers_as_strings_and_strings_as_numbers() {
        let m = mixed(r#"{"id":"111","total":"3240.00","paid":"1","url":445566}"#);
        assert_eq!(
            (m.id, m.total, m.paid, m.url.as_deref()),
            (111, Some(3240.0), Some(true), Some("445566"))
        );
        let m = mixed(r#"{"id":123,"total":810,"paid":0,"url":null}"#);
        assert_eq!(
            (m.id, m.total, m.paid, m.url),
            (123, Some(810.0), Some(false), None)
        );
        let m = mixed(r#"{"id":"7","paid":"true"}"#);
        assert_eq!((m.total, m.paid), (None, Some(true)));
    }

    #[test]
    fn wrong_kinds_are_errors_not_panics() {
        let r: Result<Mixed, _> = serde_json::from_str(r#"{"id":"abc"}"#);
        assert!(r.unwrap_err().to_string().contains("whole number"));
        let r: Result<Mixed, _> = serde_json::from_str(r#"{"id":1,"paid":"maybe"}"#);
        assert!(r.is_err());
    }

    #[test]
    fn trailing_and_doubled_commas_are_tolerated() {
        let j =
            parse_tolerant_json("{\"result\": \"success\",,\n\"data\": {\"status\": \"online\"}}")
                .unwrap();
        assert_eq!(j["data"]["status"], "online");
        let j = parse_tolerant_json(r#"{"keys": [{"id": 1, "value": "a,}b",}, ], }"#).unwrap();
        assert_eq!(j["keys"][0]["value"], "a,}b");
    }

    #[test]
    fn a_list_closed_with_a_brace_is_repaired() {
        let j = parse_tolerant_json(r#"{"ips": ["10.0.0.1", "10.0.0.2"}}"#).unwrap();
        assert_eq!(j["ips"][1], "10.0.0.2");
    }

    #[test]
    fn hopeless_text_reports_the_strict_error() {
        let e = parse_tolerant_json("<html>Bad gateway</html>").unwrap_err();
        assert!(e.contains("expected value"), "{e}");
    }
}
