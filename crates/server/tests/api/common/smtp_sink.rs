//! A tiny in-process SMTP server for the tests: it listens on a free loopback port, speaks just
//! enough SMTP for lettre (EHLO/HELO, AUTH PLAIN/LOGIN, MAIL FROM, RCPT TO, DATA with
//! dot-unstuffing, RSET, NOOP, QUIT) and keeps what it received. It can also refuse some
//! recipients, or refuse the data quoting the message back, to test failure reporting.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as the sink received it.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// Envelope sender (MAIL FROM).
    pub from: String,
    /// Envelope recipients (RCPT TO), in order.
    pub to: Vec<String>,
    /// The message as sent after DATA (headers and encoded body), dot-unstuffed, CRLF kept.
    pub data: String,
    /// The user name of an AUTH on that connection, if any.
    pub auth_user: Option<String>,
}

/// What the sink refuses.
#[derive(Debug, Clone, Default)]
pub struct SinkOptions {
    /// Recipients answered `550` at RCPT TO (compared case-insensitively).
    pub reject_rcpt: Vec<String>,
    /// Answer the data with a `554` quoting the decoded message text, as a hostile or chatty
    /// relay might.
    pub reject_data_quoting_body: bool,
}

pub struct SmtpSink {
    /// `smtp://127.0.0.1:PORT`, for `SESAME_SMTP_URL`.
    pub url: String,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        Self::start_with(SinkOptions::default()).await
    }

    pub async fn start_with(options: SinkOptions) -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind sink");
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let options = Arc::new(options);
        let store = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let store = store.clone();
                let options = options.clone();
                tokio::spawn(async move {
                    // A client hanging up mid-session is not the sink's problem.
                    let _ = session(stream, store, options).await;
                });
            }
        });
        SmtpSink {
            url: format!("smtp://{addr}"),
            received,
            task,
        }
    }

    /// Everything received so far.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until at least `n` messages have arrived, and returns them all; panics after
    /// `timeout`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let start = Instant::now();
        loop {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            if start.elapsed() > timeout {
                panic!(
                    "expected {n} messages, received {} in {timeout:?}",
                    got.len()
                );
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

async fn reply(w: &mut (impl AsyncWriteExt + Unpin), text: &str) -> std::io::Result<()> {
    w.write_all(text.as_bytes()).await?;
    w.write_all(b"\r\n").await?;
    w.flush().await
}

/// The address between `<` and `>` after `MAIL FROM:` / `RCPT TO:` (parameters ignored).
fn angle_address(arg: &str) -> String {
    match (arg.find('<'), arg.find('>')) {
        (Some(a), Some(b)) if b > a => arg[a + 1..b].to_owned(),
        _ => arg.split_whitespace().next().unwrap_or("").to_owned(),
    }
}

fn b64(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
}

/// The user name of a SASL PLAIN response (`authzid \0 authcid \0 password`).
fn plain_user(response: &str) -> Option<String> {
    let raw = b64(response)?;
    let parts: Vec<&[u8]> = raw.split(|b| *b == 0).collect();
    parts
        .get(1)
        .map(|u| String::from_utf8_lossy(u).into_owned())
}

async fn session(
    stream: TcpStream,
    store: Arc<Mutex<Vec<ReceivedMail>>>,
    options: Arc<SinkOptions>,
) -> std::io::Result<()> {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    reply(&mut w, "220 sink.test ESMTP test sink").await?;
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    let mut auth_user: Option<String> = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        let (verb, arg) = text.split_once(' ').unwrap_or((text, ""));
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" => {
                reply(
                    &mut w,
                    "250-sink.test greets you\r\n250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 10485760",
                )
                .await?
            }
            "HELO" => reply(&mut w, "250 sink.test").await?,
            "AUTH" => {
                let (mech, initial) = arg.split_once(' ').unwrap_or((arg, ""));
                match mech.to_ascii_uppercase().as_str() {
                    "PLAIN" => {
                        let response = if initial.is_empty() {
                            reply(&mut w, "334 ").await?;
                            let mut l = String::new();
                            r.read_line(&mut l).await?;
                            l
                        } else {
                            initial.to_owned()
                        };
                        auth_user = plain_user(&response);
                    }
                    "LOGIN" => {
                        let user = if initial.is_empty() {
                            reply(&mut w, "334 VXNlcm5hbWU6").await?;
                            let mut l = String::new();
                            r.read_line(&mut l).await?;
                            l
                        } else {
                            initial.to_owned()
                        };
                        auth_user = b64(&user).map(|u| String::from_utf8_lossy(&u).into_owned());
                        reply(&mut w, "334 UGFzc3dvcmQ6").await?;
                        let mut pw = String::new();
                        r.read_line(&mut pw).await?;
                    }
                    _ => {
                        reply(&mut w, "504 5.5.4 mechanism not supported").await?;
                        continue;
                    }
                }
                reply(&mut w, "235 2.7.0 authenticated").await?
            }
            "MAIL" => {
                from = Some(angle_address(arg));
                to.clear();
                reply(&mut w, "250 2.1.0 sender ok").await?
            }
            "RCPT" => {
                let rcpt = angle_address(arg);
                if options
                    .reject_rcpt
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(&rcpt))
                {
                    reply(
                        &mut w,
                        &format!("550 5.1.1 <{rcpt}>: recipient address rejected"),
                    )
                    .await?
                } else {
                    to.push(rcpt);
                    reply(&mut w, "250 2.1.5 recipient ok").await?
                }
            }
            "DATA" => {
                if from.is_none() || to.is_empty() {
                    reply(&mut w, "503 5.5.1 need MAIL and RCPT first").await?;
                    continue;
                }
                reply(&mut w, "354 end data with <CR><LF>.<CR><LF>").await?;
                let mut data = Vec::new();
                loop {
                    line.clear();
                    if r.read_until(b'\n', &mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == b".\r\n" || line == b".\n" {
                        break;
                    }
                    // Dot-unstuffing: a leading ".." stands for ".".
                    let content = if line.starts_with(b"..") {
                        &line[1..]
                    } else {
                        &line[..]
                    };
                    data.extend_from_slice(content);
                }
                let mail = ReceivedMail {
                    from: from.take().unwrap_or_default(),
                    to: std::mem::take(&mut to),
                    data: String::from_utf8_lossy(&data).into_owned(),
                    auth_user: auth_user.clone(),
                };
                if options.reject_data_quoting_body {
                    let quoted: String = mail.text().split_whitespace().collect::<Vec<_>>().join(" ");
                    let quoted: String = quoted.chars().take(400).collect();
                    reply(&mut w, &format!("554 5.7.1 message refused: {quoted}")).await?
                } else {
                    store.lock().unwrap().push(mail);
                    reply(&mut w, "250 2.0.0 queued").await?
                }
            }
            "RSET" => {
                from = None;
                to.clear();
                reply(&mut w, "250 2.0.0 reset").await?
            }
            "NOOP" => reply(&mut w, "250 2.0.0 ok").await?,
            "QUIT" => {
                reply(&mut w, "221 2.0.0 bye").await?;
                return Ok(());
            }
            _ => reply(&mut w, "502 5.5.2 command not recognized").await?,
        }
    }
}

impl ReceivedMail {
    /// The header block and the raw (still encoded) body.
    fn split(&self) -> (&str, &str) {
        self.data
            .split_once("\r\n\r\n")
            .or_else(|| self.data.split_once("\n\n"))
            .unwrap_or((&self.data, ""))
    }

    /// The headers, unfolded, in order.
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for line in self.split().0.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some(last) = out.last_mut() {
                    last.1.push_str(line);
                }
            } else if let Some((name, value)) = line.split_once(':') {
                out.push((name.trim().to_owned(), value.trim().to_owned()));
            }
        }
        out
    }

    /// A header's raw (unfolded, not decoded) value.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers()
            .into_iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The subject, RFC 2047 encoded words decoded.
    pub fn subject(&self) -> String {
        decode_encoded_words(&self.header("Subject").unwrap_or_default())
    }

    /// The body as text: transfer encoding (7bit, 8bit, quoted-printable, base64) undone,
    /// line ends as `\n`.
    pub fn text(&self) -> String {
        let encoding = self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let raw = self.split().1;
        let bytes = match encoding.trim() {
            "base64" => b64(&raw.split_whitespace().collect::<String>()).unwrap_or_default(),
            "quoted-printable" => decode_quoted_printable(raw),
            _ => raw.as_bytes().to_vec(),
        };
        String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Quoted-printable (RFC 2045 §6.7): `=XY` bytes, `=` at a line end is a soft break.
pub fn decode_quoted_printable(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let lines: Vec<&str> = text.split('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let line = line
            .strip_suffix('\r')
            .unwrap_or(line)
            .trim_end_matches([' ', '\t']);
        let (line, soft) = match line.strip_suffix('=') {
            Some(l) => (l, true),
            None => (line, false),
        };
        let b = line.as_bytes();
        let mut j = 0;
        while j < b.len() {
            if b[j] == b'=' && j + 2 < b.len() {
                if let (Some(h), Some(l)) = (hex(b[j + 1]), hex(b[j + 2])) {
                    out.push(h * 16 + l);
                    j += 3;
                    continue;
                }
            }
            out.push(b[j]);
            j += 1;
        }
        if !soft && i + 1 < lines.len() {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

/// RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`); whitespace between two adjacent
/// encoded words is dropped.
pub fn decode_encoded_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        let after = &rest[start + 2..];
        let parsed = (|| {
            let (_charset, after) = after.split_once('?')?;
            let (enc, after) = after.split_once('?')?;
            let end = after.find("?=")?;
            let payload = &after[..end];
            let bytes = match enc.to_ascii_lowercase().as_str() {
                "b" => b64(payload)?,
                "q" => decode_quoted_printable(&payload.replace('_', " ")),
                _ => return None,
            };
            Some((
                String::from_utf8_lossy(&bytes).into_owned(),
                &after[end + 2..],
            ))
        })();
        match parsed {
            Some((word, remaining)) => {
                if !(last_was_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&word);
                rest = remaining;
                last_was_word = true;
            }
            None => {
                out.push_str(&rest[..start + 2]);
                rest = after;
                last_was_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}
