//! A small SMTP server for the tests. It listens on loopback, speaks enough of RFC 5321 for a
//! real client (greeting, EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT),
//! and keeps every message it accepts. Like a busy relay, it can answer 451 to the first DATA
//! commands, so that the outbox's retries can be seen.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// One accepted message: its envelope and the data exactly as the client meant it.
#[derive(Debug, Clone)]
pub struct ReceivedMessage {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// What followed DATA, dot-unstuffed, without the terminating ".".
    pub data: Vec<u8>,
    pub received_at: Instant,
}

impl ReceivedMessage {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("the message parses")
    }
}

/// How the server treats its clients.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    /// Answer "451 try again later" to this many DATA commands before accepting any.
    pub refuse_first_data: usize,
    /// Wait this long before accepting each message, as a slow relay does.
    pub delay_per_message: Duration,
}

pub struct SmtpServer {
    pub port: u16,
    messages: Arc<Mutex<Vec<ReceivedMessage>>>,
    refused: Arc<Mutex<Vec<Instant>>>,
    accept_loop: JoinHandle<()>,
}

/// What every connection shares.
#[derive(Clone)]
struct Mailroom {
    messages: Arc<Mutex<Vec<ReceivedMessage>>>,
    refused: Arc<Mutex<Vec<Instant>>>,
    refusals_left: Arc<AtomicUsize>,
    delay: Duration,
}

impl SmtpServer {
    pub async fn start() -> Self {
        Self::start_with(Behaviour::default()).await
    }

    pub async fn start_with(behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the SMTP server listens");
        let port = listener.local_addr().expect("an address").port();
        let mailroom = Mailroom {
            messages: Arc::default(),
            refused: Arc::default(),
            refusals_left: Arc::new(AtomicUsize::new(behaviour.refuse_first_data)),
            delay: behaviour.delay_per_message,
        };
        let messages = mailroom.messages.clone();
        let refused = mailroom.refused.clone();
        let accept_loop = tokio::spawn(async move {
            // Held here so that stopping the server also ends its open connections.
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                while connections.try_join_next().is_some() {}
                let mailroom = mailroom.clone();
                connections.spawn(async move {
                    // A client that hangs up mid-conversation is its own business.
                    let _ = serve(stream, mailroom).await;
                });
            }
        });
        Self {
            port,
            messages,
            refused,
            accept_loop,
        }
    }

    /// Every message accepted so far, in the order they arrived.
    pub fn messages(&self) -> Vec<ReceivedMessage> {
        self.messages.lock().expect("messages").clone()
    }

    /// When each refused DATA command came.
    pub fn refusals(&self) -> Vec<Instant> {
        self.refused.lock().expect("refusals").clone()
    }

    /// Waits until at least `count` messages have arrived, and returns them.
    pub async fn wait_for_messages(&self, count: usize) -> Vec<ReceivedMessage> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {count} messages arrived",
                messages.len()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

async fn reply(out: &mut (impl AsyncWrite + Unpin), text: &str) -> std::io::Result<()> {
    out.write_all(text.as_bytes()).await?;
    out.write_all(b"\r\n").await?;
    out.flush().await
}

/// The address in `FROM:<a@b> BODY=8BITMIME` or `TO:<a@b>`, after the keyword.
fn path_after<'a>(argument: &'a str, keyword: &str) -> Option<&'a str> {
    let head = argument.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = argument[keyword.len()..].trim_start();
    match rest.strip_prefix('<') {
        Some(inner) => inner.split_once('>').map(|(path, _)| path),
        None => rest.split_whitespace().next(),
    }
}

async fn serve(stream: TcpStream, mailroom: Mailroom) -> std::io::Result<()> {
    let (read, mut out) = stream.into_split();
    let mut input = BufReader::new(read);
    reply(&mut out, "220 llwybr-test ESMTP ready").await?;
    let mut mail_from: Option<String> = None;
    let mut rcpt_to: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line);
        let command = command.trim_end_matches(['\r', '\n']);
        let (verb, argument) = command.split_once(' ').unwrap_or((command, ""));
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" => reply(
                &mut out,
                "250-llwybr-test greets you\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10485760",
            )
            .await?,
            "HELO" => reply(&mut out, "250 llwybr-test").await?,
            "MAIL" => match path_after(argument, "FROM:") {
                Some(path) => {
                    mail_from = Some(path.to_owned());
                    rcpt_to.clear();
                    reply(&mut out, "250 2.1.0 OK").await?;
                }
                None => reply(&mut out, "501 5.5.4 MAIL FROM:<address>").await?,
            },
            "RCPT" => match (&mail_from, path_after(argument, "TO:")) {
                (None, _) => reply(&mut out, "503 5.5.1 MAIL first").await?,
                (Some(_), Some(path)) => {
                    rcpt_to.push(path.to_owned());
                    reply(&mut out, "250 2.1.5 OK").await?;
                }
                (Some(_), None) => reply(&mut out, "501 5.5.4 RCPT TO:<address>").await?,
            },
            "DATA" => {
                let Some(from) = mail_from.take().filter(|_| !rcpt_to.is_empty()) else {
                    reply(&mut out, "503 5.5.1 RCPT first").await?;
                    continue;
                };
                let to = std::mem::take(&mut rcpt_to);
                let refuse = mailroom
                    .refusals_left
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                if refuse {
                    mailroom
                        .refused
                        .lock()
                        .expect("refusals")
                        .push(Instant::now());
                    reply(&mut out, "451 4.3.0 Busy, try again later").await?;
                    continue;
                }
                reply(&mut out, "354 End data with <CR><LF>.<CR><LF>").await?;
                let mut data = Vec::new();
                loop {
                    line.clear();
                    if input.read_until(b'\n', &mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == b".\r\n" || line == b".\n" {
                        break;
                    }
                    // RFC 5321 §4.5.2: the client doubled every leading dot.
                    let unstuffed = line.strip_prefix(b".").unwrap_or(&line);
                    data.extend_from_slice(unstuffed);
                }
                tokio::time::sleep(mailroom.delay).await;
                mailroom
                    .messages
                    .lock()
                    .expect("messages")
                    .push(ReceivedMessage {
                        mail_from: from,
                        rcpt_to: to,
                        data,
                        received_at: Instant::now(),
                    });
                reply(&mut out, "250 2.0.0 OK: queued").await?;
            }
            "RSET" => {
                mail_from = None;
                rcpt_to.clear();
                reply(&mut out, "250 2.0.0 OK").await?;
            }
            "NOOP" => reply(&mut out, "250 2.0.0 OK").await?,
            "QUIT" => {
                reply(&mut out, "221 2.0.0 Bye").await?;
                return Ok(());
            }
            _ => reply(&mut out, "502 5.5.1 Command not implemented").await?,
        }
    }
}

/// The server itself, spoken to by hand: the conversation a client sees, dot-unstuffing, and
/// a refusal that does not count as a message.
#[tokio::test]
async fn the_test_smtp_server_speaks_enough_smtp() {
    let server = SmtpServer::start_with(Behaviour {
        refuse_first_data: 1,
        ..Behaviour::default()
    })
    .await;
    let stream = TcpStream::connect(("127.0.0.1", server.port))
        .await
        .expect("connects");
    let (read, mut out) = stream.into_split();
    let mut input = BufReader::new(read);
    let mut answer = String::new();
    let mut expect = async |sent: &str, code: &str| {
        if !sent.is_empty() {
            out.write_all(sent.as_bytes()).await.expect("write");
        }
        // Multi-line replies have a hyphen after the code on every line but the last.
        loop {
            answer.clear();
            input.read_line(&mut answer).await.expect("read");
            assert!(answer.starts_with(code), "{sent:?} got {answer:?}");
            if answer.as_bytes().get(3) != Some(&b'-') {
                break;
            }
        }
    };
    expect("", "220").await;
    expect("EHLO client.test\r\n", "250").await;
    expect("DATA\r\n", "503").await;
    expect("RCPT TO:<a@b.test>\r\n", "503").await;
    expect("MAIL FROM:<from@llwybr.test> BODY=8BITMIME\r\n", "250").await;
    expect("RCPT TO:<to@ysgol.test>\r\n", "250").await;
    expect("DATA\r\n", "451").await;
    expect("NOOP\r\n", "250").await;
    expect("RSET\r\n", "250").await;
    expect("MAIL FROM:<from@llwybr.test>\r\n", "250").await;
    expect("RCPT TO:<to@ysgol.test>\r\n", "250").await;
    expect("RCPT TO:<cc@ysgol.test>\r\n", "250").await;
    expect("DATA\r\n", "354").await;
    expect(
        "Subject: dots\r\n\r\n..leading dot\r\nmiddle . dot\r\n...\r\n.\r\n",
        "250",
    )
    .await;
    expect("QUIT\r\n", "221").await;

    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(server.refusals().len(), 1);
    assert_eq!(messages[0].mail_from, "from@llwybr.test");
    assert_eq!(messages[0].rcpt_to, ["to@ysgol.test", "cc@ysgol.test"]);
    assert_eq!(
        String::from_utf8_lossy(&messages[0].data),
        "Subject: dots\r\n\r\n.leading dot\r\nmiddle . dot\r\n..\r\n"
    );
}
