//! A minimal JSON-RPC client over HTTP/1.1 (one connection per request), for the load
//! driver and the node's process tests. Not a general HTTP client: it speaks to the
//! node's own RPC server on loopback.

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// POSTs `body` to `addr` and returns the HTTP status and the response body.
pub fn post(addr: SocketAddr, body: &[u8]) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    // A server may answer (413) and close before reading all of a large body.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no HTTP status in {text:.200?}")))?;
    let (headers, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let body = if headers.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        dechunk(body)
    } else {
        body.to_string()
    };
    Ok((status, body))
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else { break };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

fn outcome(v: &Value) -> Result<Value, String> {
    match (v.get("result"), v.get("error")) {
        (Some(r), _) => Ok(r.clone()),
        (_, Some(e)) => Err(e.to_string()),
        _ => Err(format!("neither result nor error: {v}")),
    }
}

/// Calls `method` with `params`: its `result`, or its `error` object as text.
pub fn call(addr: SocketAddr, method: &str, params: Value) -> Result<Value, String> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let (_, text) = post(addr, body.as_bytes()).map_err(|e| e.to_string())?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{e}: {text:.200}"))?;
    outcome(&v)
}

/// Calls `method` once per entry of `params` in one batch; the outcomes in order.
pub fn batch(
    addr: SocketAddr,
    method: &str,
    params: &[Value],
) -> Result<Vec<Result<Value, String>>, String> {
    let calls: Vec<Value> = params
        .iter()
        .enumerate()
        .map(|(id, p)| json!({"jsonrpc": "2.0", "id": id, "method": method, "params": p}))
        .collect();
    let (_, text) =
        post(addr, Value::Array(calls).to_string().as_bytes()).map_err(|e| e.to_string())?;
    let answers: Vec<Value> =
        serde_json::from_str(&text).map_err(|e| format!("{e}: {text:.200}"))?;
    let mut out = vec![Err("no answer".to_string()); params.len()];
    for a in answers {
        if let Some(id) =
            a.get("id").and_then(Value::as_u64).filter(|id| (*id as usize) < out.len())
        {
            out[id as usize] = outcome(&a);
        }
    }
    Ok(out)
}
