//! Where passdesk keeps its files on Windows: everything under
//! `%ProgramData%\passdesk` (the configuration file, and the data folder
//! `data`). Plain string work from the `ProgramData` value, so it is tested
//! on every system; the Windows-only code only reads the variable.

/// Where ProgramData is when the variable is missing or empty (a service
/// always has it; this only keeps a stripped environment working).
pub const FALLBACK_PROGRAM_DATA: &str = r"C:\ProgramData";

/// The permissions of passdesk's data folder, in SDDL: full control for
/// SYSTEM (SY), Administrators (BA) and the service account LocalService
/// (LS), inherited by everything inside (OICI), and protected (P) so the
/// parent's entries (ProgramData lets every user read) do not flow in. No
/// entry for the creator: whoever made a file is one of these three.
pub const DATA_DIR_SDDL: &str = "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;LS)";

/// The permissions of a file passdesk writes outside its data folder (a
/// backup archive): SYSTEM, Administrators and the service account only.
pub const PRIVATE_FILE_SDDL: &str = "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;LS)";

/// `%ProgramData%\passdesk`, given the value of `ProgramData`.
pub fn home(program_data: Option<&str>) -> String {
    let base = program_data.map(|p| p.trim_end_matches(['\\', '/'])).filter(|p| !p.is_empty());
    format!("{}\\passdesk", base.unwrap_or(FALLBACK_PROGRAM_DATA))
}

/// The configuration file read when no `--config` or `PASSDESK_CONFIG` is given.
pub fn config_file(program_data: Option<&str>) -> String {
    format!("{}\\passdesk.toml", home(program_data))
}

/// The data folder used when `store.data_dir` is not set.
pub fn data_dir(program_data: Option<&str>) -> String {
    format!("{}\\data", home(program_data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_program_data_wherever_it_is() {
        assert_eq!(home(Some(r"C:\ProgramData")), r"C:\ProgramData\passdesk");
        assert_eq!(config_file(Some(r"D:\Data\")), r"D:\Data\passdesk\passdesk.toml");
        assert_eq!(data_dir(Some(r"E:\PD")), r"E:\PD\passdesk\data");
    }

    #[test]
    fn a_missing_or_empty_program_data_falls_back_to_the_usual_place() {
        assert_eq!(config_file(None), r"C:\ProgramData\passdesk\passdesk.toml");
        assert_eq!(data_dir(Some("")), r"C:\ProgramData\passdesk\data");
        assert_eq!(home(Some(r"\")), r"C:\ProgramData\passdesk");
    }

    #[test]
    fn the_data_folder_admits_only_system_administrators_the_service_and_the_owner() {
        assert!(DATA_DIR_SDDL.starts_with("D:P("), "protected from the parent's entries");
        let aces: Vec<&str> =
            DATA_DIR_SDDL.trim_start_matches("D:P").split(['(', ')']).filter(|s| !s.is_empty()).collect();
        let trustees: Vec<&str> = aces.iter().filter_map(|a| a.rsplit(';').next()).collect();
        assert_eq!(trustees, ["SY", "BA", "LS"]);
        assert!(aces.iter().all(|a| a.starts_with("A;OICI;FA;;;")), "allow, inherited, full: {aces:?}");
        assert!(!DATA_DIR_SDDL.contains(";BU)") && !DATA_DIR_SDDL.contains(";WD)") && !DATA_DIR_SDDL.contains(";AU)"));
    }
}
