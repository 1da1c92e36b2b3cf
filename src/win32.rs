//! The only unsafe code in passdesk: the few Win32 calls it makes itself,
//! each wrapped in a safe function. The event log (RegisterEventSourceW,
//! ReportEventW) and the protected folder permissions (an SDDL string
//! turned into a DACL by ConvertStringSecurityDescriptorToSecurityDescriptorW,
//! applied by SetNamedSecurityInfoW). Everything that can be decided without
//! Windows (which SDDL, which event type) lives in plain code elsewhere, with
//! tests; this module only crosses the boundary.
#![allow(unsafe_code)]

use std::ffi::OsStr;
use std::os::windows::ffi::OsStrExt;
use std::path::Path;
use windows_sys::Win32::Foundation::{HANDLE, LocalFree};
use windows_sys::Win32::Security::Authorization::{
    ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1, SE_FILE_OBJECT, SetNamedSecurityInfoW,
};
use windows_sys::Win32::Security::{
    ACL, DACL_SECURITY_INFORMATION, GetSecurityDescriptorDacl, PROTECTED_DACL_SECURITY_INFORMATION,
    PSECURITY_DESCRIPTOR,
};
use windows_sys::Win32::System::EventLog::{DeregisterEventSource, RegisterEventSourceW, ReportEventW};

/// `text` as a NUL-terminated UTF-16 string; an inner NUL would cut the
/// text short, so it becomes a space.
fn wide(text: &OsStr) -> Vec<u16> {
    text.encode_wide().map(|c| if c == 0 { u16::from(b' ') } else { c }).chain(std::iter::once(0)).collect()
}

/// A registered event source in the Application log of this computer.
#[derive(Debug)]
pub struct EventSource {
    handle: HANDLE,
}

// SAFETY: an event-log handle may be used from any thread; ReportEventW is
// documented as thread-safe, and the handle is only closed in Drop.
unsafe impl Send for EventSource {}
// SAFETY: as above; `report` only reads the handle.
unsafe impl Sync for EventSource {}

impl EventSource {
    /// Opens the source `name` (the msi registers "passdesk" with a message
    /// file; an unregistered name still works, the viewer then adds a note).
    pub fn open(name: &str) -> std::io::Result<Self> {
        let name = wide(OsStr::new(name));
        // SAFETY: a null server name means this computer; `name` is a
        // NUL-terminated UTF-16 string that outlives the call.
        let handle = unsafe { RegisterEventSourceW(std::ptr::null(), name.as_ptr()) };
        if handle.is_null() {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Self { handle })
    }

    /// Writes one event: `kind` is EVENTLOG_ERROR_TYPE, _WARNING_ or
    /// _INFORMATION_ (see `crate::telemetry::eventtype`), `text` its one
    /// insertion string. Best effort: a failure is returned, not retried.
    pub fn report(&self, kind: u16, id: u32, text: &str) -> std::io::Result<()> {
        let text = wide(OsStr::new(text));
        let strings = [text.as_ptr()];
        // SAFETY: the handle is open (closed only in Drop); `strings` holds
        // one pointer to a NUL-terminated string, both alive for the call;
        // no user SID and no raw data (null with size 0).
        let ok = unsafe {
            ReportEventW(self.handle, kind, 0, id, std::ptr::null_mut(), 1, 0, strings.as_ptr(), std::ptr::null())
        };
        if ok == 0 { Err(std::io::Error::last_os_error()) } else { Ok(()) }
    }
}

impl Drop for EventSource {
    fn drop(&mut self) {
        // SAFETY: the handle came from RegisterEventSourceW and is closed once.
        unsafe { DeregisterEventSource(self.handle) };
    }
}

/// Replaces the permissions of the folder `dir` (and, by inheritance, of
/// everything in it) with the DACL of `sddl`, protected from the parent's
/// inherited entries.
pub fn protect_folder(dir: &Path, sddl: &str) -> std::io::Result<()> {
    let sddl = wide(OsStr::new(sddl));
    let path = wide(dir.as_os_str());
    let mut descriptor: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
    // SAFETY: `sddl` is NUL-terminated; on success `descriptor` points to a
    // LocalAlloc'd self-relative descriptor, freed below; the size is not wanted.
    let ok = unsafe {
        ConvertStringSecurityDescriptorToSecurityDescriptorW(
            sddl.as_ptr(),
            SDDL_REVISION_1,
            &mut descriptor,
            std::ptr::null_mut(),
        )
    };
    if ok == 0 {
        return Err(std::io::Error::last_os_error());
    }
    let result = apply_dacl(&path, descriptor);
    // SAFETY: `descriptor` was allocated by the conversion above and is not
    // used after this (the DACL pointer into it died with `apply_dacl`).
    unsafe { LocalFree(descriptor) };
    result
}

fn apply_dacl(path: &[u16], descriptor: PSECURITY_DESCRIPTOR) -> std::io::Result<()> {
    let mut present = 0;
    let mut defaulted = 0;
    let mut dacl: *mut ACL = std::ptr::null_mut();
    // SAFETY: `descriptor` is a valid descriptor from the conversion; the
    // out-pointers are to locals; `dacl` then points inside `descriptor`.
    let ok = unsafe { GetSecurityDescriptorDacl(descriptor, &mut present, &mut dacl, &mut defaulted) };
    if ok == 0 {
        return Err(std::io::Error::last_os_error());
    }
    if present == 0 || dacl.is_null() {
        return Err(std::io::Error::other("the SDDL string has no DACL"));
    }
    // SAFETY: `path` is NUL-terminated; `dacl` is valid while `descriptor`
    // lives (the caller frees it after this returns); owner, group and SACL
    // are left unchanged (null).
    let status = unsafe {
        SetNamedSecurityInfoW(
            path.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            dacl,
            std::ptr::null(),
        )
    };
    if status != 0 {
        return Err(std::io::Error::from_raw_os_error(status as i32));
    }
    Ok(())
}
