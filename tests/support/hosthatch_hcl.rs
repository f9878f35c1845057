//! HCL snippets for HostHatch e2e scenarios: the provider blocks (fast polling; the
//! token and endpoint come from the environment TfWork sets) and typical resources.

use super::fixtures::ssh_public_key;

/// `terraform` + `provider "hosthatch"` blocks; `extra` goes inside the provider block.
pub fn hosthatch_provider(extra: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    hosthatch = {{ source = "hostform/hosthatch" }}
  }}
}}

provider "hosthatch" {{
  poll_interval = "100ms"
{extra}}}
"#
    )
}

/// `hosthatch_ssh_key.<name>` with a deterministic key from `seed`.
pub fn hosthatch_ssh_key(name: &str, seed: u32) -> String {
    let value = ssh_public_key(seed);
    format!(
        r#"
resource "hosthatch_ssh_key" "{name}" {{
  description = "e2e key {seed}"
  value       = "{value}"
}}
"#
    )
}

/// `hosthatch_server.web` in AMS on ubuntu22, monthly; `extra` goes inside the block.
pub fn hosthatch_web_server(product: &str, extra: &str) -> String {
    format!(
        r#"
resource "hosthatch_server" "web" {{
  product  = "{product}"
  location = "AMS"
  billing  = "monthly"
  image    = "ubuntu22"
  hostname = "web.e2e.hostform.test"
{extra}}}
"#
    )
}
