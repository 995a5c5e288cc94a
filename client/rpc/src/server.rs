//! The JSON-RPC server: HTTP and WebSocket on one port (jsonrpsee), its limits, CORS and
//! the policy on unsafe methods.

use crate::error::{Error, Result};
use jsonrpsee::server::{
    BatchRequestConfig, HttpRequest, HttpResponse, RandomStringIdProvider, Server, ServerConfig,
    ServerHandle,
};
use jsonrpsee::RpcModule;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower::{Layer, Service};
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer};

/// One MiB.
const MIB: u32 = 1024 * 1024;

/// The server's address and limits.
#[derive(Clone, Debug)]
pub struct RpcConfig {
    /// Where to listen (HTTP and WebSocket on the same port); port 0 picks a free one.
    pub addr: SocketAddr,
    /// Origins allowed to call from a browser, e.g. `"http://localhost:3000"`,
    /// `"https://polkadot.js.org"`; `None` allows any. A request whose `Origin` header
    /// names another origin is refused with HTTP 403, WebSocket upgrades included;
    /// requests without an `Origin` header (non-browser clients) are always served.
    pub cors: Option<Vec<String>>,
    /// Connections served at once; more wait to be accepted (default 100).
    pub max_connections: u32,
    /// The largest request body (HTTP) or message (WebSocket), in bytes (default 15 MiB).
    /// A larger HTTP request is refused with HTTP 413, a larger WebSocket message with a
    /// JSON-RPC error (-32007); the connection keeps serving.
    pub max_request_size_bytes: u32,
    /// The largest response, in bytes (default 15 MiB); a larger answer is replaced by a
    /// JSON-RPC error (-32008).
    pub max_response_size_bytes: u32,
    /// Subscriptions one connection may hold at once (default 1024).
    pub max_subscriptions_per_connection: u32,
    /// The most calls one batch may hold; `None` for no limit. Substrate's default is no
    /// limit; ours is 256, so one request cannot queue unbounded work (a longer batch is
    /// answered with the JSON-RPC error -32010).
    pub max_batch_len: Option<u32>,
}

impl RpcConfig {
    /// The default limits on `addr`.
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            cors: None,
            max_connections: 100,
            max_request_size_bytes: 15 * MIB,
            max_response_size_bytes: 15 * MIB,
            max_subscriptions_per_connection: 1024,
            max_batch_len: Some(256),
        }
    }
}

impl Default for RpcConfig {
    /// The default limits on `127.0.0.1:9944`, Substrate's default RPC address.
    fn default() -> Self {
        Self::new(SocketAddr::from(([127, 0, 0, 1], 9944)))
    }
}

/// Which methods the server exposes (Substrate's `--rpc-methods`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RpcMethods {
    /// Unsafe methods only when listening on a loopback address.
    #[default]
    Auto,
    /// Only safe methods: unsafe ones answer -32601 "RPC call is unsafe to be called
    /// externally".
    Safe,
    /// Every method, on any address.
    Unsafe,
}

impl RpcMethods {
    /// Whether unsafe methods must be denied on a server listening on `addr`.
    pub fn deny_unsafe(self, addr: &SocketAddr) -> bool {
        match self {
            Self::Auto => !addr.ip().is_loopback(),
            Self::Safe => true,
            Self::Unsafe => false,
        }
    }
}

/// A running server. Dropping the handle does not stop it: call [`Self::stop`].
#[derive(Clone, Debug)]
pub struct RpcServerHandle {
    handle: ServerHandle,
    local_addr: SocketAddr,
}

impl RpcServerHandle {
    /// The address the server listens on (the port picked when `addr` had port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Asks the server to stop: it stops accepting connections and closes the open ones.
    /// Stopping a stopped server does nothing.
    pub fn stop(&self) {
        let _already_stopped = self.handle.stop();
    }

    /// Waits until the server has stopped.
    pub async fn stopped(self) {
        self.handle.stopped().await
    }

    /// Whether the server has stopped.
    pub fn is_stopped(&self) -> bool {
        self.handle.is_stopped()
    }
}

/// Starts the server on `config.addr` with the methods of `module` (from
/// [`rpc_module`](crate::rpc_module)). Must be called within a tokio runtime; the server
/// runs on it until [`RpcServerHandle::stop`].
pub async fn start_server(config: RpcConfig, module: RpcModule<()>) -> Result<RpcServerHandle> {
    let batch = match config.max_batch_len {
        Some(n) => BatchRequestConfig::Limit(n),
        None => BatchRequestConfig::Unlimited,
    };
    let server_config = ServerConfig::builder()
        .max_request_body_size(config.max_request_size_bytes)
        .max_response_body_size(config.max_response_size_bytes)
        .max_connections(config.max_connections)
        .max_subscriptions_per_connection(config.max_subscriptions_per_connection)
        .set_batch_request_config(batch)
        // Substrate's subscription ids: random strings.
        .set_id_provider(RandomStringIdProvider::new(16))
        .build();
    let allowed = config.cors.clone().map(Arc::new);
    let middleware = tower::ServiceBuilder::new()
        .layer(OriginFilterLayer { allowed: allowed.clone() })
        .layer(cors_layer(allowed));
    let server = Server::builder()
        .set_config(server_config)
        .set_http_middleware(middleware)
        .build(config.addr)
        .await
        .map_err(|source| Error::Bind { addr: config.addr, source })?;
    let local_addr =
        server.local_addr().map_err(|source| Error::Bind { addr: config.addr, source })?;
    let handle = server.start(module);
    tracing::info!(target: "rpc", "JSON-RPC server listening on {local_addr} (HTTP and WebSocket)");
    Ok(RpcServerHandle { handle, local_addr })
}

/// The CORS response headers: any origin when `allowed` is `None`, else the listed ones.
fn cors_layer(allowed: Option<Arc<Vec<String>>>) -> CorsLayer {
    let origin = match allowed {
        None => AllowOrigin::any(),
        Some(list) => AllowOrigin::predicate(move |origin, _| {
            list.iter().any(|o| o.as_bytes() == origin.as_bytes())
        }),
    };
    CorsLayer::new()
        .allow_origin(origin)
        .allow_methods(AllowMethods::any())
        .allow_headers(AllowHeaders::any())
}

/// Refuses (HTTP 403) requests whose `Origin` header names an origin that is not allowed.
///
/// Substrate only sets CORS headers (`tower_http::cors`), which leaves the decision to the
/// browser; but browsers do not apply CORS to WebSocket upgrades, so a web page of any
/// origin could drive a Substrate node's WebSocket. Refusing here closes that for both
/// transports.
#[derive(Clone)]
struct OriginFilterLayer {
    allowed: Option<Arc<Vec<String>>>,
}

impl<S> Layer<S> for OriginFilterLayer {
    type Service = OriginFilter<S>;

    fn layer(&self, inner: S) -> Self::Service {
        OriginFilter { inner, allowed: self.allowed.clone() }
    }
}

/// The service of [`OriginFilterLayer`].
#[derive(Clone)]
struct OriginFilter<S> {
    inner: S,
    allowed: Option<Arc<Vec<String>>>,
}

impl<S, B> Service<HttpRequest<B>> for OriginFilter<S>
where
    S: Service<HttpRequest<B>, Response = HttpResponse>,
    S::Future: Send + 'static,
{
    type Response = HttpResponse;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: HttpRequest<B>) -> Self::Future {
        if let (Some(allowed), Some(origin)) = (&self.allowed, request.headers().get("origin")) {
            if !allowed.iter().any(|o| o.as_bytes() == origin.as_bytes()) {
                tracing::debug!(target: "rpc", "refused a request from origin {origin:?}");
                return Box::pin(async { Ok(jsonrpsee::server::http::response::denied()) });
            }
        }
        Box::pin(self.inner.call(request))
    }
}
