//! `hostform-sim --help` must tell a user how to point every provider at it: each vendor's
//! prefix and the credentials the simulator accepts by default.

use std::process::Command;

#[test]
fn help_names_every_vendor_prefix_and_default_credential() {
    let output = Command::new(env!("CARGO_BIN_EXE_hostform-sim"))
        .arg("--help")
        .env_remove("HOSTFORM_SIM_TOKEN")
        .output()
        .expect("run hostform-sim --help");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for vendor in hostform::sim::VENDORS {
        assert!(
            help.contains(vendor.prefix),
            "help lacks {}:\n{help}",
            vendor.prefix
        );
    }
    use hostform::sim::terrahost::model::{
        DEFAULT_PASSWORD, DEFAULT_TOTP_SECRET, DEFAULT_USERNAME,
    };
    for credential in [
        hostform::sim::SimConfig::default().token.as_str(),
        DEFAULT_USERNAME,
        DEFAULT_PASSWORD,
        DEFAULT_TOTP_SECRET,
        hostform::sim::openhosting::model::SIM_USER,
    ] {
        assert!(
            help.contains(credential),
            "help lacks {credential}:\n{help}"
        );
    }
}
