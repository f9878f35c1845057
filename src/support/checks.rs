//! Attribute checks several vendors share: host names, ids, public keys, prices.

use crate::tfplugin::Value;

/// The largest id the checks accept: the largest whole number a float holds exactly.
pub const MAX_ID: i64 = 1 << 53;

/// A DNS host name (RFC 1123): dot-separated labels of letters, digits and inner dashes,
/// each at most 63 characters, 253 in all; a trailing dot is allowed.
pub fn hostname(value: &Value) -> Result<(), String> {
    let Some(text) = value.as_str() else {
        return Ok(());
    };
    let name = text.strip_suffix('.').unwrap_or(text);
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if name.len() <= 253 && name.split('.').all(label_ok) {
        Ok(())
    } else {
        Err("must be a host name: labels of letters, digits and inner dashes, at most 63 characters each, separated by dots".into())
    }
}

/// A set or list of ids: whole numbers from 1 to [`MAX_ID`].
pub fn id_numbers(value: &Value) -> Result<(), String> {
    let ok = |v: &Value| {
        v.as_f64()
            .is_some_and(|n| n.fract() == 0.0 && n >= 1.0 && n <= MAX_ID as f64)
    };
    if value.elements().iter().all(|v| v.is_unknown() || ok(v)) {
        Ok(())
    } else {
        Err(format!("must hold whole numbers from 1 to {MAX_ID}"))
    }
}

/// An amount of money or size that may have a fraction: from 0 to a billion.
pub fn non_negative_amount(value: &Value) -> Result<(), String> {
    match value.as_f64() {
        Some(n) if (0.0..=1e9).contains(&n) => Ok(()),
        _ => Err("must be a number from 0 to 1000000000".into()),
    }
}

/// An OpenSSH public key line: `TYPE BASE64 [COMMENT]`; private keys are refused.
pub fn ssh_public_key(value: &Value) -> Result<(), String> {
    let Some(text) = value.as_str() else {
        return Ok(());
    };
    if text.contains("PRIVATE KEY") {
        return Err("is a private key; give the public key (the .pub file) instead".into());
    }
    let mut parts = text.split_whitespace();
    let kind_ok = parts
        .next()
        .is_some_and(|k| k.starts_with("ssh-") || k.starts_with("ecdsa-") || k.starts_with("sk-"));
    let body_ok = parts.next().is_some_and(|b| {
        b.len() >= 16
            && b.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'=')
    });
    if kind_ok && body_ok {
        Ok(())
    } else {
        Err("must be an OpenSSH public key such as \"ssh-ed25519 AAAA... comment\"".into())
    }
}
