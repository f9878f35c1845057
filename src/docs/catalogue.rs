//! What a provider offers, as plain data: its schema and the schemas of its resources, data
//! sources and ephemeral resources. The docs generator and the schema checks work from this.

use crate::tfplugin::provider::{DefaultTimeouts, Provider};
use crate::tfplugin::schema::Schema;

/// One resource, data source or ephemeral resource type and its schema.
pub struct TypeEntry {
    pub type_name: &'static str,
    pub schema: Schema,
    /// A resource's default timeouts, when it has a `timeouts` block.
    pub timeouts: Option<DefaultTimeouts>,
}

/// Everything one provider offers.
pub struct Catalogue {
    pub provider: &'static str,
    pub schema: Schema,
    pub resources: Vec<TypeEntry>,
    pub data_sources: Vec<TypeEntry>,
    pub ephemeral_resources: Vec<TypeEntry>,
}

impl Catalogue {
    pub fn of<P: Provider>(provider: &P) -> Catalogue {
        let mut catalogue = Catalogue {
            provider: provider.name(),
            schema: provider.schema(),
            resources: provider
                .resources()
                .iter()
                .map(|r| {
                    let schema = r.schema();
                    let has_timeouts = schema
                        .block
                        .blocks
                        .iter()
                        .any(|b| b.type_name == "timeouts");
                    TypeEntry {
                        type_name: r.type_name(),
                        timeouts: has_timeouts.then(|| r.default_timeouts()),
                        schema,
                    }
                })
                .collect(),
            data_sources: provider
                .data_sources()
                .iter()
                .map(|d| TypeEntry {
                    type_name: d.type_name(),
                    schema: d.schema(),
                    timeouts: None,
                })
                .collect(),
            ephemeral_resources: provider
                .ephemeral_resources()
                .iter()
                .map(|e| TypeEntry {
                    type_name: e.type_name(),
                    schema: e.schema(),
                    timeouts: None,
                })
                .collect(),
        };
        for list in [
            &mut catalogue.resources,
            &mut catalogue.data_sources,
            &mut catalogue.ephemeral_resources,
        ] {
            list.sort_by_key(|e| e.type_name);
        }
        catalogue
    }
}

/// The kinds of type a provider offers, with the names the registry layout uses for them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Resource,
    DataSource,
    EphemeralResource,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Resource, Kind::DataSource, Kind::EphemeralResource];

    /// The directory name under `docs/<provider>/` and `examples/<provider>/`.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::Resource => "resources",
            Kind::DataSource => "data-sources",
            Kind::EphemeralResource => "ephemeral-resources",
        }
    }

    /// The example file name inside `examples/<provider>/<dir>/<type>/`.
    pub fn example_file(self) -> &'static str {
        match self {
            Kind::Resource => "resource.tf",
            Kind::DataSource => "data-source.tf",
            Kind::EphemeralResource => "ephemeral-resource.tf",
        }
    }

    /// How the registry titles a page of this kind.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Resource => "Resource",
            Kind::DataSource => "Data Source",
            Kind::EphemeralResource => "Ephemeral Resource",
        }
    }

    pub fn entries(self, catalogue: &Catalogue) -> &[TypeEntry] {
        match self {
            Kind::Resource => &catalogue.resources,
            Kind::DataSource => &catalogue.data_sources,
            Kind::EphemeralResource => &catalogue.ephemeral_resources,
        }
    }
}
