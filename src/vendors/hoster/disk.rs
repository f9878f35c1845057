//! Disk sizes as HosterAPI writes them (`"10G"`, `"10240M"`, `"1T"`): parsed to megabytes so
//! that equal sizes written differently never show as a change, and a shrink is recognised.

use crate::tfplugin::Value;

/// Megabytes in `text`: a whole number followed by `M`, `G` or `T` (binary units, an optional
/// `B`/`iB`, any case). A bare number is taken as gigabytes, as the vendor's examples use `G`.
pub fn megabytes(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_uppercase();
    let t = t
        .strip_suffix("IB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(&t);
    let (number, factor) = match t.chars().last()? {
        'M' => (&t[..t.len() - 1], 1u64),
        'G' => (&t[..t.len() - 1], 1024),
        'T' => (&t[..t.len() - 1], 1024 * 1024),
        c if c.is_ascii_digit() => (t, 1024),
        _ => return None,
    };
    let n: u64 = number.trim().parse().ok()?;
    (n > 0).then(|| n.checked_mul(factor)).flatten()
}

/// The schema check of `disk`.
pub fn check(value: &Value) -> Result<(), String> {
    match value.as_str() {
        Some(s) if megabytes(s).is_some() => Ok(()),
        _ => Err(
            "must be a size such as \"10G\", \"10240M\" or \"1T\" (a whole number and a unit)"
                .to_string(),
        ),
    }
}

/// The size as the API takes it: whole gigabytes as `"NG"`, anything else as `"NM"`.
pub fn api_form(text: &str) -> String {
    match megabytes(text) {
        Some(mb) if mb % 1024 == 0 => format!("{}G", mb / 1024),
        Some(mb) => format!("{mb}M"),
        None => text.trim().to_string(),
    }
}

/// True when both texts are the same size.
pub fn same_size(a: &str, b: &str) -> bool {
    matches!((megabytes(a), megabytes(b)), (Some(x), Some(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_every_unit() {
        assert_eq!(megabytes("10G"), Some(10240));
        assert_eq!(megabytes("10240M"), Some(10240));
        assert_eq!(megabytes("1T"), Some(1024 * 1024));
        assert_eq!(megabytes("100gb"), Some(102400));
        assert_eq!(megabytes("20GiB"), Some(20480));
        assert_eq!(megabytes("15"), Some(15360));
        assert_eq!(megabytes("ten G"), None);
        assert_eq!(megabytes("0G"), None);
        assert_eq!(megabytes(""), None);
        assert_eq!(megabytes("10X"), None);
        assert!(same_size("10G", "10240M"));
        assert_eq!(api_form("10240M"), "10G");
        assert_eq!(api_form("1t"), "1024G");
        assert_eq!(api_form("1500M"), "1500M");
        assert!(!same_size("10G", "11G"));
    }
}
