//! Open Hosting's text/plain format: request bodies of `key value` lines as the simulator
//! parses them (text and JSON), and the plain-text error bodies and property objects the
//! provider reads.
#![no_main]

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue};
use hostform::sim::openhosting::format::parse_fields;
use hostform::support::Response;
use hostform::vendors::openhosting::models::{error_message, imaging, props_list, Props};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let body = Bytes::copy_from_slice(data);
    for content_type in ["text/plain", "application/json"] {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Ok(pairs) = parse_fields(&headers, &body) {
            assert!(pairs.iter().all(|(key, _)| !key.is_empty()));
        }
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(message) = error_message(text) {
        assert!(message.chars().count() <= text.chars().count().max(300));
    }
    let answer = Response {
        request: "GET /drives/info".into(),
        status: 200,
        body: text.to_string(),
    };
    if let Ok(json) = answer.json_value() {
        if let Ok(list) = props_list(json.clone()) {
            for props in list {
                read_props(&props);
            }
        }
        if let Some(props) = Props::from_json(json) {
            read_props(&props);
        }
    }
});

fn read_props(props: &Props) {
    for key in ["drive", "name", "size", "tags", "status", "imaging"] {
        let _ = (props.text(key), props.int(key), props.list(key), props.id(key));
    }
    let _ = (props.user_metadata(), imaging(props));
}
