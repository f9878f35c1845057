//! Sizes as the Open Hosting API writes them: bytes, optionally with a `k`/`M`/`G`/`T`
//! suffix. The document does not say whether the suffixes are decimal or binary; we take
//! them as powers of 1024, like the vendor's upload tool's 5242880-byte (5M) chunks.

/// Parses `"10G"`, `"512M"`, `"4096"` or `"1.5G"` (whole bytes only) into bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, shift) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 10),
        Some('m' | 'M') => (&t[..t.len() - 1], 20),
        Some('g' | 'G') => (&t[..t.len() - 1], 30),
        Some('t' | 'T') => (&t[..t.len() - 1], 40),
        _ => (t, 0),
    };
    let bad = || {
        format!("{text:?} is not a size: use bytes, or a number with a k, M, G or T suffix such as \"10G\"")
    };
    let digits = digits.trim();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(bad());
    }
    if let Ok(n) = digits.parse::<u64>() {
        return n.checked_mul(1u64 << shift).ok_or_else(bad);
    }
    let f: f64 = digits.parse().map_err(|_| bad())?;
    let bytes = f * (1u64 << shift) as f64;
    if bytes.fract() != 0.0 || !(0.0..1.8e19).contains(&bytes) {
        return Err(bad());
    }
    Ok(bytes as u64)
}

/// `bytes` with the largest binary suffix that divides it exactly (`10737418240` -> `"10G"`),
/// how an imported drive's size is written.
pub fn format_size(bytes: u64) -> String {
    for (shift, suffix) in [(40, "T"), (30, "G"), (20, "M"), (10, "k")] {
        if bytes != 0 && bytes % (1u64 << shift) == 0 {
            return format!("{}{suffix}", bytes >> shift);
        }
    }
    bytes.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_are_binary() {
        assert_eq!(parse_size("10000000"), Ok(10_000_000));
        assert_eq!(parse_size("4k"), Ok(4096));
        assert_eq!(parse_size("5M"), Ok(5_242_880));
        assert_eq!(parse_size(" 10G "), Ok(10 << 30));
        assert_eq!(parse_size("1T"), Ok(1 << 40));
        assert_eq!(parse_size("1.5G"), Ok(3 << 29));
    }

    #[test]
    fn formatting_uses_the_largest_exact_suffix() {
        assert_eq!(format_size(10 << 30), "10G");
        assert_eq!(format_size(1536 << 20), "1536M");
        assert_eq!(format_size(10_000_000), "10000000");
        assert_eq!(format_size(0), "0");
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in ["", "G", "ten", "-1", "1.3k", "99999999999999999999T"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }
}
