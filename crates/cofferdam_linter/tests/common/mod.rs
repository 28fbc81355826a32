//! Helpers shared by the linter's test files.

use cofferdam_linter::Settings;

/// Applies the `[settings]` table of a cofferdam.toml text to `settings`, key by key as the
/// configuration loader does. The error names what is wrong; `name` says where it came from.
pub(crate) fn apply_settings_toml(settings: &mut Settings, text: &str, name: &str) {
    let table: toml::Table = toml::from_str(text).unwrap_or_else(|error| panic!("{name}: {error}"));
    let section = table
        .get("settings")
        .and_then(toml::Value::as_table)
        .unwrap_or_else(|| panic!("{name}: no [settings] table"));
    for (key, value) in section {
        let value = serde_json::to_value(value).expect("TOML values are JSON values");
        settings
            .apply_setting(key, &value)
            .unwrap_or_else(|error| panic!("{name}: {error}"));
    }
}
