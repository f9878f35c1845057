//! Every vendor's response decoders: arbitrary bytes as an answer body, decoded into each wire
//! type through `Response::json` (the lenient path the API clients use), into the vendors'
//! envelopes and their `data`, and read by each vendor's error-message parser.
#![no_main]

use hostform::support::Response;
use hostform::vendors::{hoster, hosthatch, openhosting, terrahost};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;

const REQUEST: &str = "GET /fuzz";

/// Decodes the answer as `T`; a failure must name the request.
fn decode<T: DeserializeOwned>(answer: &Response) {
    if let Err(error) = answer.json::<T>() {
        assert!(error.to_string().contains(REQUEST), "{error}");
    }
}

/// Decodes the answer as `T` and, inside an envelope, as `T` and `Vec<T>` under `data`.
fn decode_in_envelope<T: DeserializeOwned>(answer: &Response, data: &Option<serde_json::Value>) {
    decode::<T>(answer);
    if let Some(data) = data {
        let _ = answer.decode::<T>(data.clone());
        let _ = answer.decode::<Vec<T>>(data.clone());
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let answer = Response {
        request: REQUEST.into(),
        status: 200,
        body: body.to_string(),
    };
    let _ = hosthatch::models::error_message(body);
    let _ = hoster::models::error_message(body);
    let _ = openhosting::models::error_message(body);
    let _ = terrahost::models::error_message(body);

    let hosthatch_data = answer
        .json::<hosthatch::models::Envelope>()
        .ok()
        .map(|e| e.data);
    {
        use hosthatch::models::*;
        decode_in_envelope::<Product>(&answer, &hosthatch_data);
        decode_in_envelope::<Server>(&answer, &hosthatch_data);
        decode_in_envelope::<Order>(&answer, &hosthatch_data);
        decode_in_envelope::<Balance>(&answer, &hosthatch_data);
        decode_in_envelope::<Key>(&answer, &hosthatch_data);
    }
    {
        use hoster::models::*;
        decode::<JobStarted>(&answer);
        decode::<VmConfig>(&answer);
        decode::<VmStatus>(&answer);
        decode::<Vec<OwnedServer>>(&answer);
        decode::<Vec<Location>>(&answer);
        decode::<Vec<MarketServer>>(&answer);
        decode::<DedicatedConfig>(&answer);
        decode::<Vec<BackupTask>>(&answer);
        decode::<Vec<Incident>>(&answer);
        if let Ok(job) = answer.json::<Job>() {
            let _ = (job.is_finished(), job.is_failed(), job.failure_text(), job.describe());
            let _ = JobOutput::of(&job);
        }
        let _ = leading_number(body);
    }
    let terrahost_data = answer
        .json::<terrahost::models::Envelope>()
        .ok()
        .map(|e| e.data);
    {
        use terrahost::models::*;
        decode_in_envelope::<Server>(&answer, &terrahost_data);
        decode_in_envelope::<Snapshot>(&answer, &terrahost_data);
        decode_in_envelope::<Os>(&answer, &terrahost_data);
        decode_in_envelope::<Login>(&answer, &terrahost_data);
        if let Some(data) = &terrahost_data {
            let _ = text_fields(data);
            if let Ok(server) = answer.decode::<Server>(data.clone()) {
                let _ = (server.primary_ip(), server.installing(), server.is_deleted());
            }
        }
    }
});
