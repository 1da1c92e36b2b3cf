//! A tiny SMTP server for the cases the real sink cannot play: it offers
//! AUTH, refuses every login with 535 (or answers other commands as told)
//! and records each command.

use std::io::{BufRead, BufReader, Write};
use std::time::Duration;

/// Serves `connections` connections; returns its port and the commands.
pub fn fake_smtp(connections: usize) -> (u16, std::thread::JoinHandle<Vec<String>>) {
    fake_smtp_replying(connections, &[("AUTH", b"535 5.7.8 Authentication credentials invalid\r\n")])
}

/// As [`fake_smtp`], with the replies to some commands (by their first four
/// letters, upper case) given; everything else is accepted.
pub fn fake_smtp_replying(
    connections: usize,
    replies: &'static [(&'static str, &'static [u8])],
) -> (u16, std::thread::JoinHandle<Vec<String>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let mut commands = Vec::new();
        for _ in 0..connections {
            let (stream, _) = listener.accept().unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut out = stream.try_clone().unwrap();
            out.write_all(b"220 fake.example.test ESMTP\r\n").unwrap();
            let mut in_data = false;
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                if in_data {
                    if line == "." {
                        in_data = false;
                        let _ = out.write_all(b"250 2.0.0 queued\r\n");
                    }
                    continue;
                }
                let verb = line.get(..4).map(str::to_ascii_uppercase).unwrap_or_default();
                let given = replies.iter().find(|(v, _)| *v == verb).map(|(_, r)| *r);
                let reply: &[u8] = match verb.as_str() {
                    _ if given.is_some() => given.unwrap_or_default(),
                    "EHLO" => b"250-fake.example.test\r\n250 AUTH PLAIN LOGIN\r\n",
                    "DATA" => b"354 go ahead\r\n",
                    "QUIT" => b"221 bye\r\n",
                    _ => b"250 ok\r\n",
                };
                in_data = verb == "DATA" && reply.starts_with(b"354");
                commands.push(if verb == "AUTH" { "AUTH (hidden)".to_owned() } else { line });
                if out.write_all(reply).is_err() || verb == "QUIT" {
                    break;
                }
            }
        }
        commands
    });
    (port, handle)
}
