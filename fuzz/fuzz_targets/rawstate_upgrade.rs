//! The RawState JSON upgrade: arbitrary bytes as the state JSON Terraform stored, read by
//! every resource of every provider from each schema version it knows (and one newer).
#![no_main]

use hostform::tfplugin::grpc::upgrade_raw_state;
use hostform::tfplugin::provider::Provider;
use hostform::tfplugin::Diagnostics;
use hostform::vendors::{hoster, hosthatch, openhosting, terrahost};
use libfuzzer_sys::fuzz_target;

fn upgrade_all<P: Provider>(provider: &P, version_pick: u8, json: &[u8]) {
    for resource in provider.resources() {
        let schema = resource.schema();
        let version = i64::from(version_pick) % (schema.version + 2);
        let mut diags = Diagnostics::default();
        let upgraded = upgrade_raw_state(resource.as_ref(), &schema, version, json, &mut diags);
        assert!(
            upgraded.is_some() || diags.has_errors(),
            "{}: no state and no error",
            resource.type_name()
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&version, json)) = data.split_first() else {
        return;
    };
    upgrade_all(&hosthatch::provider(), version, json);
    upgrade_all(&hoster::provider(), version, json);
    upgrade_all(&openhosting::provider(), version, json);
    upgrade_all(&terrahost::provider(), version, json);
    upgrade_all(&terrahost::gigahost_provider(), version, json);
});
