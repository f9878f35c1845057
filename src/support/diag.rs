//! The one conversion from API and wait errors to Terraform diagnostics: a plain summary and a
//! detail naming the request, the vendor's message and what the user can do about it.

use super::http::ApiError;
use super::wait::WaitError;
use crate::tfplugin::Diagnostics;

/// Adds an error diagnostic for `error`. `credentials` tells the user where the credentials
/// come from, e.g. "the `token` argument or HOSTHATCH_TOKEN".
pub fn api_error_diag(diags: &mut Diagnostics, summary: &str, error: &ApiError, credentials: &str) {
    diags.error(summary, api_error_detail(error, credentials));
}

/// The detail text for `error`.
pub fn api_error_detail(error: &ApiError, credentials: &str) -> String {
    let mut detail = match error {
        ApiError::Status {
            request,
            status,
            vendor_message,
            body_excerpt,
            ..
        } => {
            let said = if !vendor_message.is_empty() {
                format!("; the vendor said: {vendor_message}")
            } else if !body_excerpt.trim().is_empty() {
                format!("; the answer began: {body_excerpt}")
            } else {
                String::new()
            };
            format!("{request} answered HTTP {status}{said}.")
        }
        ApiError::Decode {
            request,
            message,
            body_excerpt,
        } => {
            format!(
                "The answer to {request} could not be read ({message}). It began: {body_excerpt}"
            )
        }
        other => format!("{other}."),
    };
    let advice = match error.status() {
        Some(401) | Some(403) => format!("Check the API credentials ({credentials}) and that they may use the API."),
        Some(404) => "The object may have been deleted outside Terraform; `terraform refresh` updates the state.".into(),
        Some(409) | Some(423) => "The object is busy with another operation; try again when it has finished.".into(),
        Some(422) | Some(400) => "The vendor rejected the values sent; check the arguments named above.".into(),
        Some(429) => "The vendor kept rate-limiting requests; raise `max_retries` or run with less parallelism (-parallelism=N).".into(),
        Some(s) if s >= 500 => "The vendor had a problem; try again later.".into(),
        _ if error.is_retryable() => "The vendor could not be reached; check the `endpoint` and the network, then try again.".into(),
        _ => String::new(),
    };
    if !advice.is_empty() {
        detail.push(' ');
        detail.push_str(&advice);
    }
    crate::tfplugin::log::redact(&detail)
}

/// Adds an error diagnostic for a failed wait.
pub fn wait_error_diag(
    diags: &mut Diagnostics,
    summary: &str,
    error: &WaitError,
    credentials: &str,
) {
    let detail = match error {
        WaitError::Api { what, source } => format!(
            "While waiting for {what}: {}",
            api_error_detail(source, credentials)
        ),
        WaitError::Timeout { .. } => {
            format!("{error}. Raise the `timeouts` of the resource if the vendor is just slow.")
        }
        other => format!("{other}."),
    };
    diags.error(summary, detail);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_points_at_the_credentials() {
        let mut d = Diagnostics::default();
        let e = ApiError::Status {
            request: "GET /servers".into(),
            status: 403,
            vendor_message: "Access forbidden".into(),
            body_excerpt: String::new(),
            retry_after: None,
        };
        api_error_diag(
            &mut d,
            "Cannot list servers",
            &e,
            "the `token` argument or HOSTHATCH_TOKEN",
        );
        let detail = &d.0[0].detail;
        assert!(
            detail.contains("GET /servers answered HTTP 403; the vendor said: Access forbidden."),
            "{detail}"
        );
        assert!(detail.contains("HOSTHATCH_TOKEN"), "{detail}");
    }

    #[test]
    fn decode_errors_show_the_body() {
        let e = ApiError::Decode {
            request: "GET /keys".into(),
            message: "expected value".into(),
            body_excerpt: "<html>".into(),
        };
        assert!(api_error_detail(&e, "x").contains("<html>"));
    }
}
