//! A client that stops sending in the middle of a request body does not hold the request
//! open: it is answered 408, under `/api/` in the contract's JSON body.

use std::io::{Read, Write};
use std::time::Duration;

use crate::helpers::{spawn_app, Data};

/// Reads one HTTP/1.1 response with a `Content-Length`: its status and body.
fn read_response(stream: &mut std::net::TcpStream) -> (u16, Vec<u8>) {
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).expect("the server answers");
        assert!(
            n > 0,
            "closed without an answer: {:?}",
            String::from_utf8_lossy(&bytes)
        );
        bytes.extend_from_slice(&buf[..n]);
        let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&bytes[..end]).to_lowercase();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status line");
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .expect("content-length");
        if bytes.len() >= end + 4 + length {
            return (status, bytes[end + 4..end + 4 + length].to_vec());
        }
    }
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_answered_408() {
    let app = spawn_app(Data::Fixture).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let (status, body) = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).expect("connect");
        // Only a guard against a server that never answers (what this test rules out); far
        // beyond the server's deadline, and nothing is measured against it.
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("read timeout");
        stream
            .write_all(
                b"POST /api/v1/match HTTP/1.1\r\nHost: registry.test\r\n\
                  Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"age\": 5",
            )
            .expect("write");
        read_response(&mut stream)
    })
    .await
    .expect("reader");
    assert_eq!(status, 408);
    let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON body");
    assert_eq!(body["error"]["code"], "request_timeout", "{body}");
}
