//! Logging as Terraform reads it from a provider's stderr: one hclog JSON object per line
//! (`@level`, `@message`, `@timestamp` with six fractional digits, `@module`), the level taken
//! from `TF_LOG_PROVIDER` or `TF_LOG`. Every registered secret is masked in every line and in
//! every diagnostic, whatever the level.

use std::io::Write;
use std::sync::{OnceLock, RwLock};

fn secrets() -> &'static RwLock<Vec<String>> {
    static SECRETS: OnceLock<RwLock<Vec<String>>> = OnceLock::new();
    SECRETS.get_or_init(|| RwLock::new(Vec::new()))
}

/// Registers a secret (token, password, key) so it is masked wherever it would be printed.
pub fn register_secret(secret: &str) {
    if secret.len() < 4 {
        return;
    }
    if let Ok(mut list) = secrets().write() {
        if !list.iter().any(|s| s == secret) {
            list.push(secret.to_string());
            list.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }
}

/// The text with every registered secret replaced by `***`.
pub fn redact(text: &str) -> String {
    let Ok(list) = secrets().read() else {
        return text.to_string();
    };
    let mut out = text.to_string();
    for secret in list.iter() {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), "***");
        }
    }
    out
}

struct HclogLogger {
    module: &'static str,
    level: log::LevelFilter,
}

impl log::Log for HclogLogger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        let ours = metadata.target().starts_with("hostform");
        metadata.level() <= self.level && (ours || metadata.level() <= log::Level::Warn)
    }

    fn log(&self, record: &log::Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let line = serde_json::json!({
            "@level": level_name(record.level()),
            "@message": redact(&record.args().to_string()),
            "@module": self.module,
            "@timestamp": timestamp(),
        });
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
    }

    fn flush(&self) {}
}

fn level_name(level: log::Level) -> &'static str {
    match level {
        log::Level::Error => "error",
        log::Level::Warn => "warn",
        log::Level::Info => "info",
        log::Level::Debug => "debug",
        log::Level::Trace => "trace",
    }
}

/// `2006-01-02T15:04:05.000000Z07:00` as hclog writes it.
fn timestamp() -> String {
    humantime::format_rfc3339_micros(std::time::SystemTime::now()).to_string()
}

/// The level Terraform asked for through the environment.
pub fn level_from_env() -> log::LevelFilter {
    let raw = std::env::var("TF_LOG_PROVIDER")
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("TF_LOG").ok())
        .unwrap_or_default();
    match raw.trim().to_ascii_uppercase().as_str() {
        "TRACE" | "JSON" => log::LevelFilter::Trace,
        "DEBUG" => log::LevelFilter::Debug,
        "INFO" => log::LevelFilter::Info,
        "WARN" => log::LevelFilter::Warn,
        "ERROR" => log::LevelFilter::Error,
        _ => log::LevelFilter::Off,
    }
}

/// Installs the logger for this process; `module` names the provider (e.g. `hosthatch`).
pub fn init(module: &'static str) {
    let level = level_from_env();
    if log::set_boxed_logger(Box::new(HclogLogger { module, level })).is_ok() {
        log::set_max_level(level);
    }
}

/// Makes a panic print a line starting `panic: ` so Terraform reports the provider crashed.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string());
        let _ = writeln!(std::io::stderr(), "panic: {}{location}", redact(&message));
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked() {
        register_secret("s3cr3t-token-value");
        assert_eq!(
            redact("Bearer s3cr3t-token-value failed"),
            "Bearer *** failed"
        );
    }

    #[test]
    fn timestamps_have_six_fraction_digits() {
        let ts = timestamp();
        let fraction = ts.split('.').nth(1).unwrap();
        assert_eq!(fraction.len(), "000000Z".len(), "{ts}");
    }
}
