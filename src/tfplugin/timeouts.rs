//! The conventional `timeouts { create = "45m" ... }` block and Go-style duration strings
//! (`"500ms"`, `"2s"`, `"1m30s"`, `"1h30m"`), shared by every provider.

use std::time::Duration;

use super::schema::{Attribute, Block, Check, NestedBlock, Nesting};
use super::types::Type;
use super::value::Value;

/// Parses a Go duration string such as `"1h30m"`, `"45s"` or `"250ms"`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.contains(' ') {
        return Err(format!(
            "{text:?} is not a duration; use Go syntax such as \"30s\", \"10m\" or \"1h30m\""
        ));
    }
    if trimmed == "0" {
        return Ok(Duration::ZERO);
    }
    humantime::parse_duration(trimmed).map_err(|_| {
        format!("{text:?} is not a duration; use Go syntax such as \"30s\", \"10m\" or \"1h30m\"")
    })
}

/// The `timeouts` block with the given operations (`create`, `read`, `update`, `delete`).
pub fn block(operations: &[&'static str]) -> NestedBlock {
    let mut b = Block::new("Bounds on how long each operation may wait for the vendor.");
    for op in operations {
        b = b.attr(
            Attribute::optional(op, Type::String)
                .describe(match *op {
                    "create" => "How long create may wait, as a Go duration such as `\"30m\"`.",
                    "read" => "How long a refresh may wait, as a Go duration.",
                    "update" => "How long an update may wait, as a Go duration.",
                    _ => "How long delete may wait, as a Go duration.",
                })
                .check(Check::Duration),
        );
    }
    NestedBlock {
        type_name: "timeouts",
        block: b,
        nesting: Nesting::Single,
        min_items: 0,
        max_items: 0,
    }
}

/// The timeout for `operation` from a resource value's `timeouts` block, else `default`.
pub fn timeout_for(value: &Value, operation: &str, default: Duration) -> Duration {
    value
        .get("timeouts")
        .get(operation)
        .as_str()
        .and_then(|s| parse_duration(s).ok())
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        assert!(parse_duration("ten minutes").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("10").is_err());
    }

    #[test]
    fn timeouts_from_state() {
        let mut t = Value::null_object(&block(&["create", "delete"]).block.implied_type());
        t.set("create", "3s");
        let mut v = Value::Object(Default::default());
        v.set("timeouts", t);
        assert_eq!(
            timeout_for(&v, "create", Duration::from_secs(60)),
            Duration::from_secs(3)
        );
        assert_eq!(
            timeout_for(&v, "delete", Duration::from_secs(60)),
            Duration::from_secs(60)
        );
    }
}
