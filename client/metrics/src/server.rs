//! The HTTP endpoint Prometheus scrapes: `GET /metrics`.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ALLOW, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::{Error, MetricsRegistry, Result};

/// The path metrics are served at.
const METRICS_PATH: &str = "/metrics";

/// How long a client may take to send a request's headers; bounds idle and slow
/// connections, which would otherwise hold a task forever.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long open connections may take to finish their response once shutdown is
/// requested, before they are dropped.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// How long to pause accepting after an error such as running out of file descriptors,
/// which would otherwise repeat in a busy loop.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Binds a listener for the metrics endpoint, to be handed to [`serve`].
///
/// Binding happens apart from serving so the node fails at startup, with
/// [`Error::Bind`], when the port is taken, and so tests can bind port 0 and learn the
/// port from [`TcpListener::local_addr`].
pub async fn bind(addr: SocketAddr) -> Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|source| Error::Bind { addr, source })
}

/// Serves `registry` over HTTP/1.1 on `listener` until `shutdown` resolves.
///
/// `GET /metrics` (and `HEAD`) answers with [`MetricsRegistry::gather_text`] as
/// `text/plain; version=0.0.4`; other methods on `/metrics` get `405 Method Not Allowed`,
/// other paths `404 Not Found`. Each connection runs in its own task; a malformed request
/// or a failing connection only ends that connection.
///
/// When `shutdown` resolves the listener is closed at once (the port is free again),
/// open connections get one second to finish the response in progress, and then
/// the function returns. Accept errors are logged and retried, so this returns `Ok` once
/// shut down; the `Result` leaves room for failures a future version may report.
pub async fn serve(
    listener: TcpListener,
    registry: MetricsRegistry,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(target: "metrics", "〽️ Prometheus exporter started at {addr}");
    }
    // Connections watch this to shut down gracefully; sending on it (or dropping it) is
    // the signal.
    let (stop, stopped) = watch::channel(());
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);

    loop {
        tokio::select! {
            () = &mut shutdown => break,
            // Reap finished connections so the set does not grow with every scrape.
            Some(finished) = connections.join_next() => log_connection_end(finished),
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(serve_connection(
                        stream,
                        peer,
                        registry.clone(),
                        stopped.clone(),
                    ));
                }
                Err(error) => {
                    tracing::debug!(target: "metrics", %error, "accepting a connection failed");
                    if !is_connection_error(&error) {
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                    }
                }
            },
        }
    }

    drop(listener);
    drop(stop);
    let drain = async {
        while let Some(finished) = connections.join_next().await {
            log_connection_end(finished);
        }
    };
    if tokio::time::timeout(SHUTDOWN_GRACE, drain).await.is_err() {
        connections.shutdown().await;
    }
    tracing::debug!(target: "metrics", "Prometheus exporter stopped");
    Ok(())
}

/// Serves one connection until the client closes it, it fails, or the server stops.
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    registry: MetricsRegistry,
    mut stopped: watch::Receiver<()>,
) {
    let service = service_fn(move |request: Request<Incoming>| {
        std::future::ready(Ok::<_, Infallible>(respond(&request, &registry)))
    });
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    let mut connection = std::pin::pin!(connection);

    let result = tokio::select! {
        result = connection.as_mut() => result,
        _ = stopped.changed() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = result {
        // Clients that send garbage, time out or hang up are their own problem.
        tracing::debug!(target: "metrics", %peer, %error, "metrics connection ended with an error");
    }
}

/// The response to one request.
fn respond(request: &Request<Incoming>, registry: &MetricsRegistry) -> Response<Full<Bytes>> {
    if request.uri().path() != METRICS_PATH {
        return plain(StatusCode::NOT_FOUND, "Not found. Metrics are at /metrics.\n");
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed.\n");
        response.headers_mut().insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    // Gathering encodes a few hundred lines and reads three small procfs files, which
    // takes microseconds: not worth a blocking-pool hop.
    let mut response = Response::new(Full::new(Bytes::from(registry.gather_text())));
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(prometheus::TEXT_FORMAT));
    response
}

/// A plain-text response with `status`.
fn plain(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

/// Logs a connection task that panicked; normal ends were logged by the task.
fn log_connection_end(finished: std::result::Result<(), tokio::task::JoinError>) {
    if let Err(error) = finished {
        if error.is_panic() {
            tracing::error!(target: "metrics", %error, "a metrics connection task panicked");
        }
    }
}

/// Whether an accept error concerns only the connection being accepted (the peer gave up
/// before we accepted), as opposed to the process (out of descriptors, out of memory).
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
    )
}
