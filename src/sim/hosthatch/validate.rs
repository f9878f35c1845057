//! Request-body parsing and field validation for HostHatch, producing the vendor's
//! Laravel-style messages ("The product field is required.").

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::sim::hosthatch::catalogue;
use crate::sim::hosthatch::model::{HostHatchStore, NewServer};
use crate::sim::hosthatch::render;

/// A request body that is not a JSON object; answered with a 400 error envelope.
#[derive(Debug)]
pub struct BadBody(&'static str);

impl IntoResponse for BadBody {
    fn into_response(self) -> Response {
        render::error(StatusCode::BAD_REQUEST, self.0)
    }
}

/// Parses a JSON object body; an empty body is an empty object.
pub fn parse_object(body: &Bytes) -> Result<Map<String, Value>, BadBody> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(BadBody("The request body must be a JSON object.")),
        Err(_) => Err(BadBody("Malformed JSON body.")),
    }
}

/// Collects validation messages while reading fields.
pub struct Checker<'a> {
    fields: &'a Map<String, Value>,
    pub errors: Vec<String>,
}

impl<'a> Checker<'a> {
    pub fn new(fields: &'a Map<String, Value>) -> Self {
        Checker {
            fields,
            errors: Vec::new(),
        }
    }

    /// A required, non-empty string field.
    pub fn required_string(&mut self, name: &str) -> Option<&'a str> {
        match self.fields.get(name) {
            None | Some(Value::Null) => self.fail(format!("The {name} field is required.")),
            Some(Value::String(text)) if text.trim().is_empty() => {
                self.fail(format!("The {name} field is required."))
            }
            Some(Value::String(text)) => Some(text.as_str()),
            Some(_) => self.fail(format!("The {name} field must be a string.")),
        }
    }

    /// An optional boolean field.
    pub fn optional_bool(&mut self, name: &str) -> Option<bool> {
        match self.fields.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(flag)) => Some(*flag),
            Some(_) => self.fail(format!("The {name} field must be true or false.")),
        }
    }

    pub fn fail<T>(&mut self, message: String) -> Option<T> {
        self.errors.push(message);
        None
    }
}

/// Validates a `POST /deploy` body against the catalogue and the account's keys.
pub fn deploy_request(
    fields: &Map<String, Value>,
    store: &HostHatchStore,
) -> Result<NewServer, Vec<String>> {
    let mut check = Checker::new(fields);
    let product = check.required_string("product").and_then(|id| {
        store
            .catalogue
            .product(id)
            .cloned()
            .or_else(|| check.fail("The selected product is invalid.".into()))
    });
    let location = check.required_string("location").and_then(|id| {
        match store.catalogue.location_in_stock(id) {
            None => check.fail("The selected location is invalid.".into()),
            Some(false) => check.fail(format!(
                "The product {} is out of stock in {id}.",
                product.as_ref().map_or("", |p| p.id.as_str())
            )),
            Some(true) => Some(id),
        }
    });
    let billing = check.required_string("billing").and_then(|id| {
        catalogue::cycle_months(id)
            .map(|months| (id, months))
            .or_else(|| check.fail("The selected billing is invalid.".into()))
    });
    let image = check.required_string("image").and_then(|id| {
        store
            .catalogue
            .image_name(id)
            .map(|_| id.to_owned())
            .or_else(|| check.fail("The selected image is invalid.".into()))
    });
    let hostname = check.required_string("hostname").and_then(|name| {
        if is_valid_hostname(name) {
            Some(name)
        } else {
            check.fail("The hostname format is invalid.".into())
        }
    });
    let features = deploy_features(&mut check, store);
    match (product, location, billing, image, hostname, features) {
        (
            Some(product),
            Some(location),
            Some((cycle, months)),
            Some(image),
            Some(hostname),
            Some(features),
        ) if check.errors.is_empty() => Ok(NewServer {
            product,
            location: location.to_owned(),
            billing_cycle: billing_id(cycle),
            cycle_months: months,
            image,
            hostname: hostname.to_owned(),
            ipv6: features.0,
            additional_ipv4: features.1,
            ssh_keys: features.2,
        }),
        _ => Err(check.errors),
    }
}

fn billing_id(cycle: &str) -> &'static str {
    catalogue::BILLING_CYCLES
        .iter()
        .find(|(id, _)| *id == cycle)
        .map_or("monthly", |(id, _)| *id)
}

/// Reads `features`: (`ipv6`, `additional-ipv4`, `ssh_keys`).
fn deploy_features(
    check: &mut Checker<'_>,
    store: &HostHatchStore,
) -> Option<(bool, u8, Vec<u64>)> {
    let features = match check.fields.get("features") {
        None | Some(Value::Null) => return Some((false, 0, Vec::new())),
        Some(Value::Object(features)) => features,
        Some(_) => return check.fail("The features field must be an object.".into()),
    };
    let before = check.errors.len();
    let mut ipv6 = false;
    let mut additional_ipv4 = 0;
    let mut ssh_keys = Vec::new();
    for (name, value) in features {
        match name.as_str() {
            "ipv6" => match value {
                Value::Bool(flag) => ipv6 = *flag,
                _ => check
                    .errors
                    .push("The selected features.ipv6 is invalid.".into()),
            },
            "additional-ipv4" => match small_count(value) {
                Some(count) if count <= catalogue::MAX_ADDITIONAL_IPV4 => additional_ipv4 = count,
                _ => check
                    .errors
                    .push("The selected features.additional-ipv4 is invalid.".into()),
            },
            "ssh_keys" => match value {
                Value::Array(ids) => {
                    for (index, id) in ids.iter().enumerate() {
                        match key_id(id).filter(|id| store.keys.contains_key(id)) {
                            Some(id) => ssh_keys.push(id),
                            None => check.errors.push(format!(
                                "The selected features.ssh_keys.{index} is invalid."
                            )),
                        }
                    }
                }
                _ => check
                    .errors
                    .push("The features.ssh_keys field must be an array.".into()),
            },
            other => check
                .errors
                .push(format!("The selected features.{other} is invalid.")),
        }
    }
    (check.errors.len() == before).then_some((ipv6, additional_ipv4, ssh_keys))
}

/// A count given as a number (`2`) or a string (`"2"`).
fn small_count(value: &Value) -> Option<u8> {
    match value {
        Value::Number(number) => number.as_u64().and_then(|n| u8::try_from(n).ok()),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A key id given as a number, or a string of digits.
fn key_id(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// One or more DNS labels of letters, digits and inner hyphens, at most 253 characters.
pub fn is_valid_hostname(name: &str) -> bool {
    name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::is_valid_hostname;

    #[test]
    fn hostnames_are_dns_labels() {
        assert!(is_valid_hostname("web-1"));
        assert!(is_valid_hostname("web-1.example.com"));
        assert!(!is_valid_hostname("-web"));
        assert!(!is_valid_hostname("web_1"));
        assert!(!is_valid_hostname("web..example"));
        assert!(!is_valid_hostname(""));
    }
}
