//! RFC 6238 time-based one-time codes (HMAC-SHA1, 30 s steps, 6 digits), as authenticator apps
//! make them from a base32 secret. Used by providers to log in to 2FA accounts and by the
//! simulator to check the codes it is sent.

use ring::hmac;

/// Seconds per code.
pub const STEP_SECS: u64 = 30;

/// Decodes an RFC 4648 base32 secret; spaces, dashes, padding and case are ignored.
pub fn decode_base32(secret: &str) -> Result<Vec<u8>, String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits: u64 = 0;
    let mut count = 0u32;
    let mut out = Vec::new();
    for c in secret.chars().filter(|c| !matches!(c, ' ' | '-' | '=')) {
        let upper = c.to_ascii_uppercase() as u8;
        let Some(value) = ALPHABET.iter().position(|&a| a == upper) else {
            return Err(format!(
                "the TOTP secret must be base32 (letters A-Z and digits 2-7), found {c:?}"
            ));
        };
        bits = (bits << 5) | value as u64;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    if out.is_empty() {
        return Err("the TOTP secret is empty".to_string());
    }
    Ok(out)
}

/// The 6-digit code for `key` at step `counter` (RFC 4226 HOTP).
pub fn hotp(key: &[u8], counter: u64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, key);
    let tag = hmac::sign(&key, &counter.to_be_bytes());
    let digest = tag.as_ref();
    let offset = (digest[digest.len() - 1] & 0x0f) as usize;
    let mut word = [0u8; 4];
    word.copy_from_slice(&digest[offset..offset + 4]);
    let binary = u32::from_be_bytes(word) & 0x7fff_ffff;
    format!("{:06}", binary % 1_000_000)
}

/// The code for `key` at `unix_secs`.
pub fn totp_at(key: &[u8], unix_secs: u64) -> String {
    hotp(key, unix_secs / STEP_SECS)
}

/// The code for `key` now (wall clock).
pub fn totp_now(key: &[u8]) -> String {
    totp_at(key, unix_now())
}

/// Whether `code` is valid for `key` at `unix_secs`, one step either side accepted.
pub fn check(key: &[u8], code: &str, unix_secs: u64) -> bool {
    let step = unix_secs / STEP_SECS;
    [step.saturating_sub(1), step, step + 1]
        .iter()
        .any(|&s| hotp(key, s) == code.trim())
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA1 column (8 digits there; the last 6 are ours).
    #[test]
    fn rfc6238_vectors() {
        let key = b"12345678901234567890";
        for (time, eight) in [
            (59u64, "94287082"),
            (1111111109, "07081804"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
        ] {
            assert_eq!(totp_at(key, time), eight[2..], "at {time}");
        }
    }

    #[test]
    fn base32_round_trip_and_window() {
        let key = decode_base32("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ").unwrap();
        assert_eq!(key, b"12345678901234567890");
        let code = totp_at(&key, 1_000_000);
        assert!(check(&key, &code, 1_000_000 + 30));
        assert!(!check(&key, &code, 1_000_000 + 90));
        assert!(decode_base32("not base32!").is_err());
    }
}
