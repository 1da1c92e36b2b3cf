//! `passdesk rotate-key`: the command-line face of [`crate::rotate`],
//! saying what was replaced, re-sealed and kept.

use super::RotateKeyArgs;
use crate::clock::{Clock, SystemClock};

/// Rotates the key and says what it did.
pub async fn rotate_key(args: RotateKeyArgs) -> anyhow::Result<()> {
    let config_file = super::config_path(args.config);
    let config = crate::config::load(config_file.as_deref())?;
    let rotated = crate::rotate::rotate(&config, SystemClock.now()).await?;
    println!(
        "server key {} replaced by {} in {} (mode 0600)",
        rotated.old_id,
        rotated.new_id,
        config.store.key_path().display()
    );
    println!("{} authenticator secret(s) re-sealed under the new key, in one transaction", rotated.resealed);
    if rotated.recovered > 0 {
        println!("{} of them had been left under an older key by an interrupted rotation", rotated.recovered);
    }
    println!(
        "the old key stays in the key file as the previous key: codes sent before now still verify until they \
         expire, and captcha challenges for 5 minutes"
    );
    if let Some(dropped) = &rotated.dropped_id {
        println!("the key before it ({dropped}) is dropped");
    }
    println!("audited as \"Server key rotated (by admin)\". Start passdesk again, then take a new backup:");
    println!("backups made before now hold the old key and still restore, with the old key.");
    Ok(())
}
