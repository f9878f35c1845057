//! The msgpack value codec: arbitrary bytes decoded against the schema types Terraform sends
//! (the first byte picks the type); whatever decodes must encode and decode to the same value.
#![no_main]

use hostform::tfplugin::msgpack;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let types = common::schema_types();
    let ty = &types[pick as usize % types.len()];
    let Ok(value) = msgpack::decode(bytes, ty) else {
        return;
    };
    let encoded = msgpack::encode(&value, ty).expect("a decoded value encodes");
    let again = msgpack::decode(&encoded, ty).expect("an encoded value decodes");
    assert_eq!(again, value, "round trip changed the value");
});
