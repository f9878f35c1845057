//! Sensitive values in `terraform plan`: a configured sensitive argument shows as
//! "(sensitive value)", never as its value. (Every e2e command is also scanned for known
//! secrets in its output and TRACE log by the harness, see `tests/support/secrets.rs`.)

mod support;

use support::{for_each_terraform, TfWork};

const PASSWORD: &str = "plan-output-must-hide-this-9f3k";

fn config() -> String {
    format!(
        "terraform {{\n  required_providers {{\n    hoster = {{ source = \"hostform/hoster\" }}\n    terrahost = {{ source = \"hostform/terrahost\" }}\n  }}\n}}\n\nprovider \"hoster\" {{}}\n\nprovider \"terrahost\" {{\n  password = \"{PASSWORD}-provider\"\n}}\n\nresource \"hoster_software\" \"ts3\" {{\n  server   = \"4001\"\n  package  = \"ts3\"\n  password = \"{PASSWORD}\"\n}}\n\nresource \"terrahost_snapshot\" \"nightly\" {{\n  server_id = \"3523\"\n  name      = \"nightly\"\n}}\n"
    )
}

#[test]
fn sensitive_arguments_never_appear_in_plan_output() {
    for_each_terraform(|tf, sim| {
        let mut work = TfWork::new(tf, sim, &config());
        work.set_env("TERRAHOST_PASSWORD", &format!("{PASSWORD}-provider"));
        let plan = work.plan().combined();
        assert!(plan.contains("(sensitive value)"), "{plan}");
        assert!(
            !plan.contains(PASSWORD),
            "a sensitive value is in the plan:\n{plan}"
        );
    });
}
