//! Renders registry pages: the provider's `index.md` and one page per resource, data source
//! and ephemeral resource, in the layout and wording the Terraform Registry uses.

use std::fmt::Write;

use super::catalogue::{Catalogue, Kind, TypeEntry};
use crate::tfplugin::json::to_plain;
use crate::tfplugin::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use crate::tfplugin::types::Type;

/// What a page shows besides the schema: its example, import command and related guides.
pub struct Extras {
    pub example: Option<String>,
    pub import: Option<String>,
    /// (title, relative link) of hand-written guides.
    pub guides: Vec<(String, String)>,
}

pub fn type_label(ty: &Type) -> String {
    match ty {
        Type::Bool => "Boolean".into(),
        Type::Number => "Number".into(),
        Type::String => "String".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(e) => format!("List of {}", type_label(e)),
        Type::Set(e) => format!("Set of {}", type_label(e)),
        Type::Map(e) => format!("Map of {}", type_label(e)),
        Type::Object(_) => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

fn first_sentence(text: &str) -> &str {
    let line = text.lines().next().unwrap_or("");
    match line.find(". ") {
        Some(i) => &line[..=i],
        None => line,
    }
}

fn front_matter(out: &mut String, title: &str, description: &str) {
    let _ = writeln!(out, "---");
    let _ = writeln!(out, "page_title: \"{title}\"");
    let _ = writeln!(out, "subcategory: \"\"");
    let _ = writeln!(out, "description: |-");
    let _ = writeln!(out, "  {}", first_sentence(description));
    let _ = writeln!(out, "---");
    let _ = writeln!(out);
}

fn attribute_line(attr: &Attribute, resource: bool) -> String {
    let mut flags = vec![type_label(&attr.ty)];
    if attr.sensitive {
        flags.push("Sensitive".into());
    }
    if attr.write_only {
        flags.push("Write-only".into());
    }
    if attr.force_new && resource {
        flags.push("Forces replacement".into());
    }
    if let Some(default) = &attr.default {
        flags.push(format!("Default: `{}`", to_plain(default)));
    }
    if let Some(var) = attr.env {
        flags.push(format!("Env: `{var}`"));
    }
    format!(
        "- `{}` ({}) {}",
        attr.name,
        flags.join(", "),
        attr.description.trim()
    )
}

fn anchor(path: &str) -> String {
    format!("nestedblock--{}", path.replace('.', "--"))
}

fn block_line(nested: &NestedBlock, path: &str) -> String {
    let kind = match nested.nesting {
        Nesting::Single => "Block".to_string(),
        Nesting::List => "Block List".to_string(),
        Nesting::Set => "Block Set".to_string(),
    };
    let limit = if nested.max_items > 0 && nested.nesting != Nesting::Single {
        format!(", Max: {}", nested.max_items)
    } else {
        String::new()
    };
    format!(
        "- `{}` ({kind}{limit}) {} (see [below for nested schema](#{}))",
        nested.type_name,
        nested.block.description.trim(),
        anchor(path)
    )
}

/// A section title of a schema listing, and which attributes it lists.
type AttributeGroup = (&'static str, fn(&Attribute) -> bool);

fn schema_sections(out: &mut String, block: &Block, resource: bool, path: &str) {
    let groups: [AttributeGroup; 3] = [
        ("Required", |a| a.required),
        ("Optional", |a| a.optional),
        ("Read-Only", |a| a.computed && !a.optional && !a.required),
    ];
    let level = if path.is_empty() { "###" } else { "####" };
    let mut nested_after = Vec::new();
    for (title, wanted) in &groups {
        let mut lines: Vec<String> = block
            .attributes
            .iter()
            .filter(|a| wanted(a))
            .map(|a| attribute_line(a, resource))
            .collect();
        for nested in &block.blocks {
            let required = nested.min_items > 0;
            if (*title == "Required" && required) || (*title == "Optional" && !required) {
                let nested_path = if path.is_empty() {
                    nested.type_name.to_string()
                } else {
                    format!("{path}.{}", nested.type_name)
                };
                lines.push(block_line(nested, &nested_path));
                nested_after.push((nested, nested_path));
            }
        }
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{level} {title}\n");
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(out);
    }
    for (nested, nested_path) in nested_after {
        let _ = writeln!(out, "<a id=\"{}\"></a>", anchor(&nested_path));
        let _ = writeln!(out, "### Nested Schema for `{nested_path}`\n");
        schema_sections(out, &nested.block, resource, &nested_path);
    }
}

fn example_section(out: &mut String, extras: &Extras) {
    if let Some(example) = &extras.example {
        let _ = writeln!(out, "## Example Usage\n");
        let _ = writeln!(out, "```terraform\n{}\n```\n", example.trim_end());
    }
}

fn guides_section(out: &mut String, extras: &Extras) {
    if extras.guides.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Guides\n");
    for (title, link) in &extras.guides {
        let _ = writeln!(out, "- [{title}]({link})");
    }
    let _ = writeln!(out);
}

/// The page of one resource, data source or ephemeral resource.
pub fn type_page(catalogue: &Catalogue, kind: Kind, entry: &TypeEntry, extras: &Extras) -> String {
    let mut out = String::new();
    let description = entry.schema.block.description.trim();
    front_matter(
        &mut out,
        &format!(
            "{} {} - {}",
            entry.type_name,
            kind.title(),
            catalogue.provider
        ),
        description,
    );
    let _ = writeln!(out, "# {} ({})\n", entry.type_name, kind.title());
    let _ = writeln!(out, "{description}\n");
    if kind == Kind::EphemeralResource {
        let _ = writeln!(
            out,
            "~> Ephemeral resources need Terraform 1.10 or later. Their values are never stored in the plan or the state.\n"
        );
    }
    if block_has_write_only(&entry.schema) {
        let _ = writeln!(
            out,
            "~> Write-only arguments need Terraform 1.11 or later; their values are used during apply and never stored.\n"
        );
    }
    example_section(&mut out, extras);
    let _ = writeln!(out, "## Schema\n");
    schema_sections(&mut out, &entry.schema.block, kind == Kind::Resource, "");
    if let Some(defaults) = &entry.timeouts {
        let _ = writeln!(out, "## Timeouts\n");
        let _ = writeln!(
            out,
            "When the `timeouts` block leaves an operation out, it may wait this long: create {}, read {}, update {}, delete {}.\n",
            minutes(defaults.create),
            minutes(defaults.read),
            minutes(defaults.update),
            minutes(defaults.delete)
        );
    }
    if let Some(import) = &extras.import {
        let _ = writeln!(out, "## Import\n");
        let _ = writeln!(out, "Import is supported using the following syntax:\n");
        let _ = writeln!(out, "```shell\n{}\n```\n", import.trim_end());
    }
    guides_section(&mut out, extras);
    finish(out)
}

fn minutes(duration: std::time::Duration) -> String {
    let seconds = duration.as_secs();
    if seconds % 60 == 0 {
        format!("`{}m`", seconds / 60)
    } else {
        format!("`{seconds}s`")
    }
}

fn block_has_write_only(schema: &Schema) -> bool {
    schema.block.write_only_names().next().is_some()
}

/// The provider's `index.md`: what it manages, how to configure and authenticate it.
pub fn index_page(catalogue: &Catalogue, extras: &Extras) -> String {
    let mut out = String::new();
    let name = catalogue.provider;
    let description = catalogue.schema.block.description.trim();
    front_matter(&mut out, &format!("{name} Provider"), description);
    let _ = writeln!(out, "# {name} Provider\n");
    let _ = writeln!(out, "{description}\n");
    example_section(&mut out, extras);
    let env: Vec<&Attribute> = catalogue
        .schema
        .block
        .attributes
        .iter()
        .filter(|a| a.env.is_some())
        .collect();
    if !env.is_empty() {
        let _ = writeln!(out, "## Environment variables\n");
        let _ = writeln!(out, "Every argument below may instead come from its environment variable, which keeps secrets out of configuration files:\n");
        let _ = writeln!(out, "| argument | environment variable |\n| --- | --- |");
        for attr in env {
            let _ = writeln!(
                out,
                "| `{}` | `{}` |",
                attr.name,
                attr.env.unwrap_or_default()
            );
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "## Schema\n");
    schema_sections(&mut out, &catalogue.schema.block, false, "");
    let _ = writeln!(out, "## What it offers\n");
    for kind in Kind::ALL {
        for entry in kind.entries(catalogue) {
            let _ = writeln!(
                out,
                "- [`{}`]({}/{}.md) ({})",
                entry.type_name,
                kind.dir(),
                entry
                    .type_name
                    .strip_prefix(&format!("{name}_"))
                    .unwrap_or(entry.type_name),
                kind.title()
            );
        }
    }
    let _ = writeln!(out);
    guides_section(&mut out, extras);
    finish(out)
}

fn finish(mut out: String) -> String {
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
