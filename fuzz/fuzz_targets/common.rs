//! What the fuzz targets share: the schema types of every provider, built once.

use std::sync::OnceLock;

use hostform::tfplugin::Type;

/// The object types of every provider block, resource, data source and ephemeral resource
/// the crate builds, plus `dynamic`.
pub fn schema_types() -> &'static [Type] {
    static TYPES: OnceLock<Vec<Type>> = OnceLock::new();
    TYPES.get_or_init(|| {
        let mut types = vec![Type::Dynamic];
        for catalogue in hostform::vendors::catalogues() {
            types.push(catalogue.schema.block.implied_type());
            for entry in catalogue
                .resources
                .iter()
                .chain(&catalogue.data_sources)
                .chain(&catalogue.ephemeral_resources)
            {
                types.push(entry.schema.block.implied_type());
            }
        }
        types
    })
}
