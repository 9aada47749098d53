//! A fake Kamiwaza API for the push tests: HTTP/1.1 on a random 127.0.0.1
//! port, one request per connection, plain or over TLS with a self-signed
//! certificate. It records every request it reads.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

/// One request as the fake server read it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }

    pub fn form(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(&self.body).into_owned().collect()
    }

    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// A response the handler chooses: status and JSON body.
pub type Reply = (u16, Value);

pub type Handler = dyn Fn(&Received) -> Reply + Send + Sync;

/// An HTTP/1.1 server on 127.0.0.1 that serves one request per connection,
/// over plain TCP or over TLS with a self-signed certificate.
pub struct FakeKamiwaza {
    port: u16,
    scheme: &'static str,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakeKamiwaza {
    pub fn start(handler: impl Fn(&Received) -> Reply + Send + Sync + 'static) -> FakeKamiwaza {
        FakeKamiwaza::spawn(None, Arc::new(handler))
    }

    /// Serves HTTPS with a certificate for `127.0.0.1` that no CA signed.
    pub fn start_tls(handler: impl Fn(&Received) -> Reply + Send + Sync + 'static) -> FakeKamiwaza {
        let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
        let key =
            rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![certified.cert.der().clone()], key)
            .unwrap();
        FakeKamiwaza::spawn(Some(Arc::new(config)), Arc::new(handler))
    }

    fn spawn(tls: Option<Arc<rustls::ServerConfig>>, handler: Arc<Handler>) -> FakeKamiwaza {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let scheme = if tls.is_some() { "https" } else { "http" };
        let thread = {
            let received = Arc::clone(&received);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    stream
                        .set_read_timeout(Some(Duration::from_secs(10)))
                        .unwrap();
                    match &tls {
                        Some(config) => {
                            let connection =
                                rustls::ServerConnection::new(Arc::clone(config)).unwrap();
                            let tls_stream = rustls::StreamOwned::new(connection, stream);
                            serve(tls_stream, &received, handler.as_ref());
                        }
                        None => serve(stream, &received, handler.as_ref()),
                    }
                }
            })
        };
        FakeKamiwaza {
            port,
            scheme,
            received,
            stop,
            thread: Some(thread),
        }
    }

    pub fn api_url(&self) -> String {
        format!("{}://127.0.0.1:{}/api", self.scheme, self.port)
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn request_lines(&self) -> Vec<String> {
        self.requests().iter().map(Received::line).collect()
    }
}

impl Drop for FakeKamiwaza {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the blocking accept so the thread reads the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request, records it and writes the handler's reply. A client
/// that fails the TLS handshake sends no request and is dropped.
fn serve(mut stream: impl Read + Write, received: &Mutex<Vec<Received>>, handler: &Handler) {
    let Some(request) = read_request(&mut stream) else {
        return;
    };
    received.lock().unwrap().push(request.clone());
    let (status, body) = handler(&request);
    let body = body.to_string();
    let response = format!(
        "HTTP/1.1 {status} Fake\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
}

/// Reads the request line, the headers and a `Content-Length` body.
fn read_request(stream: &mut impl Read) -> Option<Received> {
    let mut data = Vec::new();
    let mut chunk = [0_u8; 4096];
    let header_end = loop {
        if let Some(end) = data.windows(4).position(|window| window == b"\r\n\r\n") {
            break end;
        }
        let count = stream.read(&mut chunk).ok()?;
        if count == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..count]);
    };

    let head = String::from_utf8(data[..header_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let path = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_string(), value.trim().to_string()))
        .collect();

    let length: usize = headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, value)| value.parse().unwrap());
    let mut body = data[header_end + 4..].to_vec();
    while body.len() < length {
        let count = stream.read(&mut chunk).ok()?;
        if count == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..count]);
    }

    Some(Received {
        method,
        path,
        headers,
        body,
    })
}

/// A listener that accepts connections and never responds.
pub struct SilentServer {
    pub port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SilentServer {
    pub fn start() -> SilentServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut open = Vec::new();
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    open.extend(stream.ok());
                }
            })
        };
        SilentServer {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for SilentServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
