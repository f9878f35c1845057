//! Reading the provider-block arguments every vendor shares: text from arguments and
//! environment variables, Go durations, the API endpoint, `max_retries`,
//! `max_requests_per_second`, and all the connection arguments at once.

use std::time::Duration;

use crate::support::{Auth, HttpSettings, RequestLimiter};
use crate::tfplugin::timeouts::parse_duration;
use crate::tfplugin::{AttrPath, Attribute, Check, Diagnostics, Type, Value};

/// `max_retries` when the configuration leaves it out.
pub const DEFAULT_MAX_RETRIES: u32 = 5;
/// The largest `max_retries` the schemas allow.
pub const MOST_RETRIES: u32 = 100;
/// `poll_interval` when neither the configuration nor the environment gives one.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(2);
/// The largest `max_requests_per_second` the schemas allow.
pub const MOST_REQUESTS_PER_SECOND: f64 = 1000.0;

/// The connection arguments every provider block has: `endpoint`, `poll_interval`,
/// `request_timeout`, `max_retries` and `max_requests_per_second` (`None`: unlimited).
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    pub endpoint: String,
    pub poll_interval: Duration,
    pub request_timeout: Duration,
    pub max_retries: u32,
    pub max_requests_per_second: Option<f64>,
}

/// Where one vendor's connection arguments fall back to when the configuration leaves
/// them out.
pub struct ConnectionDefaults<'a> {
    pub endpoint_env: &'a [&'a str],
    pub endpoint: &'a str,
    pub poll_interval_env: &'a [&'a str],
    pub request_timeout: Duration,
    /// The `<PREFIX>_MAX_REQUESTS_PER_SECOND` variable.
    pub max_requests_per_second_env: &'a str,
}

impl Connection {
    /// Reads the connection arguments, reporting every bad one; an endpoint that is not a
    /// URL is reported alone.
    pub fn read(
        config: &Value,
        defaults: &ConnectionDefaults,
        diags: &mut Diagnostics,
    ) -> Option<Connection> {
        let endpoint = endpoint_arg(config, defaults.endpoint_env, defaults.endpoint, diags)?;
        let poll_interval = duration_arg(
            config,
            "poll_interval",
            defaults.poll_interval_env,
            DEFAULT_POLL_INTERVAL,
            diags,
        );
        let request_timeout = duration_arg(
            config,
            "request_timeout",
            &[],
            defaults.request_timeout,
            diags,
        );
        let max_retries = max_retries_arg(config, diags);
        let rate = max_requests_per_second_arg(config, defaults.max_requests_per_second_env, diags);
        Some(Connection {
            endpoint,
            poll_interval: poll_interval?,
            request_timeout: request_timeout?,
            max_retries: max_retries?,
            max_requests_per_second: rate?,
        })
    }

    /// HTTP client settings for this connection.
    pub fn http_settings(&self, terraform_version: &str, auth: Auth) -> HttpSettings {
        HttpSettings {
            endpoint: self.endpoint.clone(),
            user_agent_suffix: terraform_version.to_string(),
            request_timeout: self.request_timeout,
            max_retries: self.max_retries,
            auth,
            limiter: RequestLimiter::per_second(self.max_requests_per_second),
        }
    }
}

/// An environment variable, trimmed, or `None` when unset or blank.
pub fn env_nonempty(var: &str) -> Option<String> {
    std::env::var(var)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// A string argument, trimmed, or `None` when null or blank.
pub fn string_arg(config: &Value, name: &str) -> Option<String> {
    config
        .get(name)
        .as_str()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// A Go-duration argument: its value, else the first of `env_vars` that is set, else
/// `default`. Text that does not parse, or a zero duration, is an error at the argument.
pub fn duration_arg(
    config: &Value,
    name: &str,
    env_vars: &[&str],
    default: Duration,
    diags: &mut Diagnostics,
) -> Option<Duration> {
    let text = match config.get(name).as_str() {
        Some(text) => Some(text.to_string()),
        None => first_env(env_vars),
    };
    let Some(text) = text else {
        return Some(default);
    };
    match parse_duration(&text) {
        Ok(d) if !d.is_zero() => Some(d),
        Ok(_) => {
            diags.attr_error(
                AttrPath::attr(name),
                format!("Invalid {name}"),
                format!("{name} must be longer than zero."),
            );
            None
        }
        Err(problem) => {
            diags.attr_error(AttrPath::attr(name), format!("Invalid {name}"), problem);
            None
        }
    }
}

/// The `endpoint` argument, else the first of `env_vars` that is set, else `default`; an
/// error at `endpoint` unless it is an http:// or https:// URL.
pub fn endpoint_arg(
    config: &Value,
    env_vars: &[&str],
    default: &str,
    diags: &mut Diagnostics,
) -> Option<String> {
    let endpoint = string_arg(config, "endpoint")
        .or_else(|| first_env(env_vars))
        .unwrap_or_else(|| default.to_string());
    if endpoint.starts_with("https://") || endpoint.starts_with("http://") {
        return Some(endpoint);
    }
    diags.attr_error(
        AttrPath::attr("endpoint"),
        "Invalid endpoint",
        format!("endpoint must be an http:// or https:// URL such as {default}, not {endpoint:?}."),
    );
    None
}

/// The `max_retries` argument: [`DEFAULT_MAX_RETRIES`] when null, else a whole number from 0
/// to [`MOST_RETRIES`], or an error at the argument.
pub fn max_retries_arg(config: &Value, diags: &mut Diagnostics) -> Option<u32> {
    let value = config.get("max_retries");
    if value.is_null() {
        return Some(DEFAULT_MAX_RETRIES);
    }
    let retries = value
        .as_i64()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n <= MOST_RETRIES);
    if retries.is_none() {
        diags.attr_error(
            AttrPath::attr("max_retries"),
            "Invalid max_retries",
            format!("max_retries must be a whole number from 0 to {MOST_RETRIES}."),
        );
    }
    retries
}

/// The `max_requests_per_second` argument every provider block has, falling back to `env_var`.
pub fn max_requests_per_second_attribute(env_var: &'static str) -> Attribute {
    Attribute::optional("max_requests_per_second", Type::Number)
        .env(env_var)
        .check(Check::Custom(check_requests_per_second))
        .describe("The most HTTP requests the provider sends per second, counting retries and polls, spaced evenly (fractions allowed, e.g. `0.5`; at most 1000). By default requests are not limited: the vendor documents no rate limit, and a 429 answer is retried honouring `Retry-After`. Set it when a large plan runs into the vendor's rate limit.")
}

fn check_requests_per_second(value: &Value) -> Result<(), String> {
    match value.as_f64() {
        Some(rate) if rate > 0.0 && rate <= MOST_REQUESTS_PER_SECOND => Ok(()),
        _ => Err(format!(
            "must be a number above 0 and at most {MOST_REQUESTS_PER_SECOND}"
        )),
    }
}

/// The `max_requests_per_second` argument, else `env_var`; `None` (unlimited) when neither is
/// set. Anything but a number above 0 and at most [`MOST_REQUESTS_PER_SECOND`] is an error at
/// the argument.
pub fn max_requests_per_second_arg(
    config: &Value,
    env_var: &str,
    diags: &mut Diagnostics,
) -> Option<Option<f64>> {
    let value = config.get("max_requests_per_second");
    let rate = if value.is_null() {
        match env_nonempty(env_var) {
            None => return Some(None),
            Some(text) => text.parse::<f64>().ok(),
        }
    } else {
        value.as_f64()
    };
    match rate {
        Some(rate) if rate > 0.0 && rate <= MOST_REQUESTS_PER_SECOND => Some(Some(rate)),
        _ => {
            diags.attr_error(
                AttrPath::attr("max_requests_per_second"),
                "Invalid max_requests_per_second",
                format!("max_requests_per_second (or {env_var}) must be a number above 0 and at most {MOST_REQUESTS_PER_SECOND}."),
            );
            None
        }
    }
}

fn first_env(vars: &[&str]) -> Option<String> {
    vars.iter().find_map(|var| env_nonempty(var))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Environment variables no other test sets, so reading them is deterministic.
    const UNSET: &str = "HOSTFORM_PROVIDER_ARGS_TEST_UNSET";
    const BLANK: &str = "HOSTFORM_PROVIDER_ARGS_TEST_BLANK";
    const SET: &str = "HOSTFORM_PROVIDER_ARGS_TEST_SET";
    const URL: &str = "HOSTFORM_PROVIDER_ARGS_TEST_URL";
    const RATE: &str = "HOSTFORM_PROVIDER_ARGS_TEST_RATE";
    const BAD_RATE: &str = "HOSTFORM_PROVIDER_ARGS_TEST_BAD_RATE";

    fn config(pairs: &[(&str, Value)]) -> Value {
        let mut v = Value::Object(Default::default());
        for (k, x) in pairs {
            v.set(k, x.clone());
        }
        v
    }

    fn with_test_env() {
        std::env::set_var(BLANK, "  ");
        std::env::set_var(SET, " 7s ");
        std::env::set_var(URL, "http://127.0.0.1:9/api");
    }

    fn error_path(d: &Diagnostics) -> Option<AttrPath> {
        assert_eq!(d.0.len(), 1, "{d:?}");
        d.0[0].path.clone()
    }

    #[test]
    fn blank_environment_variables_count_as_unset() {
        with_test_env();
        assert_eq!(env_nonempty(UNSET), None);
        assert_eq!(env_nonempty(BLANK), None);
        assert_eq!(env_nonempty(SET).as_deref(), Some("7s"));
    }

    #[test]
    fn string_arguments_are_trimmed_and_blank_is_null() {
        let c = config(&[("a", " x ".into()), ("b", "  ".into())]);
        assert_eq!(string_arg(&c, "a").as_deref(), Some("x"));
        assert_eq!(string_arg(&c, "b"), None);
        assert_eq!(string_arg(&c, "missing"), None);
    }

    #[test]
    fn a_duration_comes_from_the_argument_then_the_environment_then_the_default() {
        with_test_env();
        let mut d = Diagnostics::default();
        let five = Duration::from_secs(5);
        let given = config(&[("poll_interval", "100ms".into())]);
        let got = duration_arg(&given, "poll_interval", &[SET], five, &mut d);
        assert_eq!(got, Some(Duration::from_millis(100)));
        let empty = config(&[]);
        let got = duration_arg(&empty, "poll_interval", &[UNSET, BLANK, SET], five, &mut d);
        assert_eq!(got, Some(Duration::from_secs(7)));
        let got = duration_arg(&empty, "poll_interval", &[UNSET], five, &mut d);
        assert_eq!(got, Some(five));
        assert!(d.0.is_empty(), "{d:?}");
    }

    #[test]
    fn bad_and_zero_durations_point_at_the_attribute() {
        for text in ["soon", "0s"] {
            let mut d = Diagnostics::default();
            let c = config(&[("request_timeout", text.into())]);
            let got = duration_arg(&c, "request_timeout", &[], Duration::from_secs(60), &mut d);
            assert_eq!(got, None, "{text}");
            assert_eq!(error_path(&d), Some(AttrPath::attr("request_timeout")));
        }
    }

    #[test]
    fn the_endpoint_comes_from_the_argument_then_the_environment_then_the_default() {
        with_test_env();
        let mut d = Diagnostics::default();
        let default = "https://api.example.com/v1";
        let vars = [UNSET, BLANK, URL];
        let given = config(&[("endpoint", " https://other.example.com ".into())]);
        let got = endpoint_arg(&given, &vars, default, &mut d);
        assert_eq!(got.as_deref(), Some("https://other.example.com"));
        let got = endpoint_arg(&config(&[]), &vars, default, &mut d);
        assert_eq!(got.as_deref(), Some("http://127.0.0.1:9/api"));
        let got = endpoint_arg(&config(&[]), &[UNSET], default, &mut d);
        assert_eq!(got.as_deref(), Some(default));
        assert!(d.0.is_empty(), "{d:?}");
    }

    #[test]
    fn an_endpoint_must_be_a_url_and_the_error_names_the_default() {
        let mut d = Diagnostics::default();
        let default = "https://api.example.com/v1";
        let c = config(&[("endpoint", "api.example.com".into())]);
        assert_eq!(endpoint_arg(&c, &[], default, &mut d), None);
        assert_eq!(error_path(&d), Some(AttrPath::attr("endpoint")));
        assert!(d.0[0].detail.contains(default), "{d:?}");
    }

    #[test]
    fn max_retries_defaults_to_five_and_takes_whole_numbers_up_to_a_hundred() {
        let mut d = Diagnostics::default();
        assert_eq!(max_retries_arg(&config(&[]), &mut d), Some(5));
        for n in [0i64, 100] {
            let c = config(&[("max_retries", n.into())]);
            assert_eq!(max_retries_arg(&c, &mut d), Some(n as u32));
        }
        assert!(d.0.is_empty(), "{d:?}");
    }

    #[test]
    fn a_connection_without_arguments_takes_the_vendor_defaults() {
        let mut d = Diagnostics::default();
        let defaults = ConnectionDefaults {
            endpoint_env: &[UNSET],
            endpoint: "https://api.example.com/v1",
            poll_interval_env: &[UNSET],
            request_timeout: Duration::from_secs(120),
            max_requests_per_second_env: UNSET,
        };
        let read = Connection::read(&config(&[]), &defaults, &mut d);
        let expected = Connection {
            endpoint: defaults.endpoint.to_string(),
            poll_interval: DEFAULT_POLL_INTERVAL,
            request_timeout: Duration::from_secs(120),
            max_retries: DEFAULT_MAX_RETRIES,
            max_requests_per_second: None,
        };
        assert_eq!(read, Some(expected));
        assert!(d.0.is_empty(), "{d:?}");
    }

    #[test]
    fn a_connection_reports_every_bad_argument() {
        let mut d = Diagnostics::default();
        let defaults = ConnectionDefaults {
            endpoint_env: &[],
            endpoint: "https://api.example.com/v1",
            poll_interval_env: &[],
            request_timeout: Duration::from_secs(60),
            max_requests_per_second_env: UNSET,
        };
        let c = config(&[
            ("poll_interval", "soon".into()),
            ("request_timeout", "0s".into()),
            ("max_retries", 101i64.into()),
            ("max_requests_per_second", 0i64.into()),
        ]);
        assert_eq!(Connection::read(&c, &defaults, &mut d), None);
        let paths: Vec<_> = d.0.iter().map(|x| x.path.clone()).collect();
        let expected = [
            "poll_interval",
            "request_timeout",
            "max_retries",
            "max_requests_per_second",
        ]
        .map(AttrPath::attr);
        assert_eq!(paths, expected.map(Some).to_vec());
    }

    #[test]
    fn max_requests_per_second_comes_from_the_argument_then_the_environment() {
        std::env::set_var(RATE, "2.5");
        let mut d = Diagnostics::default();
        let given = config(&[("max_requests_per_second", 0.5.into())]);
        assert_eq!(
            max_requests_per_second_arg(&given, RATE, &mut d),
            Some(Some(0.5))
        );
        let empty = config(&[]);
        assert_eq!(
            max_requests_per_second_arg(&empty, RATE, &mut d),
            Some(Some(2.5))
        );
        assert_eq!(
            max_requests_per_second_arg(&empty, UNSET, &mut d),
            Some(None)
        );
        assert!(d.0.is_empty(), "{d:?}");
    }

    #[test]
    fn max_requests_per_second_out_of_range_points_at_the_attribute() {
        std::env::set_var(BAD_RATE, "fast");
        let bad_values = [Value::from(0i64), Value::from(-1.0), Value::from(1000.5)];
        for bad in bad_values {
            assert!(check_requests_per_second(&bad).is_err(), "{bad:?}");
            let mut d = Diagnostics::default();
            let c = config(&[("max_requests_per_second", bad.clone())]);
            assert_eq!(
                max_requests_per_second_arg(&c, UNSET, &mut d),
                None,
                "{bad:?}"
            );
            assert_eq!(
                error_path(&d),
                Some(AttrPath::attr("max_requests_per_second"))
            );
        }
        let mut d = Diagnostics::default();
        assert_eq!(
            max_requests_per_second_arg(&config(&[]), BAD_RATE, &mut d),
            None
        );
        assert!(d.0[0].detail.contains(BAD_RATE), "{d:?}");
        assert!(check_requests_per_second(&Value::from(1000i64)).is_ok());
    }

    #[test]
    fn max_retries_out_of_range_points_at_the_attribute() {
        for bad in [Value::from(-1i64), Value::from(101i64), Value::from(2.5)] {
            let mut d = Diagnostics::default();
            let c = config(&[("max_retries", bad.clone())]);
            assert_eq!(max_retries_arg(&c, &mut d), None, "{bad:?}");
            assert_eq!(error_path(&d), Some(AttrPath::attr("max_retries")));
        }
    }
}
