//! Diagnostics as Terraform shows them: severity, summary, detail and, where they concern one
//! attribute, the path to it so Terraform can point at the configuration line.

use crate::proto::tfplugin5 as pb;

/// One step of a path into a value.
#[derive(Debug, Clone, PartialEq)]
pub enum PathStep {
    Attribute(String),
    Key(String),
    Index(i64),
}

/// A path to an attribute, e.g. `timeouts.create` or `rdns["10.0.0.1"]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AttrPath(pub Vec<PathStep>);

impl AttrPath {
    pub fn attr(name: &str) -> AttrPath {
        AttrPath(vec![PathStep::Attribute(name.to_string())])
    }

    pub fn then(mut self, name: &str) -> AttrPath {
        self.0.push(PathStep::Attribute(name.to_string()));
        self
    }

    pub fn index(mut self, i: i64) -> AttrPath {
        self.0.push(PathStep::Index(i));
        self
    }

    pub fn key(mut self, k: &str) -> AttrPath {
        self.0.push(PathStep::Key(k.to_string()));
        self
    }

    pub fn to_proto(&self) -> pb::AttributePath {
        use pb::attribute_path::step::Selector;
        pb::AttributePath {
            steps: self
                .0
                .iter()
                .map(|s| pb::attribute_path::Step {
                    selector: Some(match s {
                        PathStep::Attribute(a) => Selector::AttributeName(a.clone()),
                        PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                        PathStep::Index(i) => Selector::ElementKeyInt(*i),
                    }),
                })
                .collect(),
        }
    }
}

impl std::fmt::Display for AttrPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attribute(a) if i == 0 => write!(f, "{a}")?,
                PathStep::Attribute(a) => write!(f, ".{a}")?,
                PathStep::Key(k) => write!(f, "[{k:?}]")?,
                PathStep::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    pub path: Option<AttrPath>,
}

impl Diagnostic {
    pub fn to_proto(&self) -> pb::Diagnostic {
        pb::Diagnostic {
            severity: match self.severity {
                Severity::Error => pb::diagnostic::Severity::Error as i32,
                Severity::Warning => pb::diagnostic::Severity::Warning as i32,
            },
            summary: super::log::redact(&self.summary),
            detail: super::log::redact(&self.detail),
            attribute: self.path.as_ref().map(AttrPath::to_proto),
        }
    }
}

/// Diagnostics accumulated by one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Error, summary.into(), detail.into(), None);
    }

    pub fn warning(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Warning, summary.into(), detail.into(), None);
    }

    pub fn attr_error(
        &mut self,
        path: AttrPath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Severity::Error, summary.into(), detail.into(), Some(path));
    }

    pub fn attr_warning(
        &mut self,
        path: AttrPath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Severity::Warning, summary.into(), detail.into(), Some(path));
    }

    fn push(
        &mut self,
        severity: Severity,
        summary: String,
        detail: String,
        path: Option<AttrPath>,
    ) {
        self.0.push(Diagnostic {
            severity,
            summary,
            detail,
            path,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn to_proto(&self) -> Vec<pb::Diagnostic> {
        self.0.iter().map(Diagnostic::to_proto).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_and_encode() {
        let p = AttrPath::attr("timeouts").then("create");
        assert_eq!(p.to_string(), "timeouts.create");
        assert_eq!(
            AttrPath::attr("rdns").key("10.0.0.1").to_string(),
            "rdns[\"10.0.0.1\"]"
        );
        assert_eq!(p.to_proto().steps.len(), 2);
    }

    #[test]
    fn severities_map_to_the_protocol() {
        let mut d = Diagnostics::default();
        d.warning("w", "");
        assert!(!d.has_errors());
        d.attr_error(AttrPath::attr("x"), "bad", "detail");
        assert!(d.has_errors());
        let p = d.to_proto();
        assert_eq!(p[0].severity, 2);
        assert_eq!(p[1].severity, 1);
        assert!(p[1].attribute.is_some());
    }
}
