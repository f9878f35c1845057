//! Small fixtures for e2e tests: valid-looking SSH public keys and lookups in the
//! JSON state that `terraform show -json` prints.

use base64::Engine;
use serde_json::Value;

/// A well-formed, deterministic `ssh-ed25519` public key; different seeds give
/// different keys (the key material is not a real key pair, nobody logs in with it).
pub fn ssh_public_key(seed: u32) -> String {
    let mut blob = Vec::new();
    for field in [b"ssh-ed25519".as_slice(), &key_material(seed)] {
        blob.extend_from_slice(&(field.len() as u32).to_be_bytes());
        blob.extend_from_slice(field);
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(blob);
    format!("ssh-ed25519 {encoded} e2e-{seed}@hostform")
}

fn key_material(seed: u32) -> [u8; 32] {
    let mut state = u64::from(seed) ^ 0x9e37_79b9_7f4a_7c15;
    let mut bytes = [0u8; 32];
    for byte in &mut bytes {
        // xorshift64: cheap, deterministic, spreads the seed over all bytes.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *byte = (state >> 24) as u8;
    }
    bytes
}

/// The resource with `address` (e.g. `hosthatch_server.web`) in the root module of
/// a `terraform show -json` document: `{"address", "values", "tainted"?, ...}`.
pub fn find_resource<'a>(state: &'a Value, address: &str) -> Option<&'a Value> {
    state["values"]["root_module"]["resources"]
        .as_array()?
        .iter()
        .find(|resource| resource["address"] == address)
}

/// One attribute of a resource in the state; panics with the state if absent.
pub fn resource_attr(state: &Value, address: &str, attribute: &str) -> Value {
    let resource = find_resource(state, address)
        .unwrap_or_else(|| panic!("{address} is not in the state:\n{state:#}"));
    resource["values"][attribute].clone()
}
