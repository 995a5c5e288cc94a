//! The node's protocols: their names (per chain), size limits, rate limits, and the
//! length-prefixed framing of their messages.

use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;
use std::io;

/// The node's protocols. Every message travels on its own substream as one request
/// (and, for requests, one response); notifications are answered with an empty
/// acknowledgement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    /// The status exchanged when peers connect (roles, best block, genesis).
    Status,
    /// New blocks' headers (notification).
    BlockAnnounces,
    /// Transactions (notification).
    Transactions,
    /// GRANDPA's votes, commits, neighbor packets and catch-ups (notification).
    Grandpa,
    /// Blocks by hash or number range (request-response).
    Sync,
    /// State entries with proofs (request-response).
    State,
    /// GRANDPA warp proofs: the authority set changes up to the latest justified block
    /// (request-response).
    WarpSync,
}

impl Protocol {
    /// Every protocol.
    pub const ALL: [Protocol; 7] = [
        Protocol::Status,
        Protocol::BlockAnnounces,
        Protocol::Transactions,
        Protocol::Grandpa,
        Protocol::Sync,
        Protocol::State,
        Protocol::WarpSync,
    ];

    /// The name's suffix after the genesis hash.
    pub fn suffix(self) -> &'static str {
        match self {
            Protocol::Status => "status/1",
            Protocol::BlockAnnounces => "block-announces/1",
            Protocol::Transactions => "transactions/1",
            Protocol::Grandpa => "grandpa/1",
            Protocol::Sync => "sync/2",
            Protocol::State => "state/2",
            Protocol::WarpSync => "sync/warp",
        }
    }

    /// The protocol's name on the chain of `genesis_hash`: `/<genesis hex>/<suffix>`.
    pub fn name(self, genesis_hash: &[u8; 32]) -> StreamProtocol {
        StreamProtocol::try_from_owned(format!("/{}/{}", hex(genesis_hash), self.suffix()))
            .expect("starts with a slash")
    }

    /// Whether messages are notifications (acknowledged with an empty response).
    pub fn is_notification(self) -> bool {
        matches!(self, Protocol::BlockAnnounces | Protocol::Transactions | Protocol::Grandpa)
    }

    /// The largest request (or notification) accepted.
    pub fn max_request(self) -> usize {
        match self {
            Protocol::Status => 1024,
            Protocol::BlockAnnounces => 1024 * 1024,
            Protocol::Transactions => 16 * 1024 * 1024,
            Protocol::Grandpa => 1024 * 1024,
            Protocol::Sync | Protocol::State | Protocol::WarpSync => 4 * 1024,
        }
    }

    /// The largest response accepted.
    pub fn max_response(self) -> usize {
        match self {
            Protocol::Status => 1024,
            Protocol::BlockAnnounces | Protocol::Transactions | Protocol::Grandpa => 0,
            Protocol::Sync | Protocol::State => 64 * 1024 * 1024,
            Protocol::WarpSync => 16 * 1024 * 1024,
        }
    }

    /// The most messages of this protocol a peer may send per second; more is a flood.
    pub fn rate_limit(self) -> u32 {
        match self {
            Protocol::Status => 4,
            Protocol::BlockAnnounces => 200,
            Protocol::Transactions => 400,
            Protocol::Grandpa => 1000,
            Protocol::Sync | Protocol::State => 100,
            Protocol::WarpSync => 10,
        }
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Frames messages as an unsigned LEB128 length and the bytes, with the protocol's
/// limits checked before anything is read into memory.
#[derive(Clone, Debug)]
pub struct FrameCodec {
    max_request: usize,
    max_response: usize,
}

impl FrameCodec {
    /// The codec of `protocol`.
    pub fn new(protocol: Protocol) -> Self {
        Self { max_request: protocol.max_request(), max_response: protocol.max_response() }
    }
}

/// The error kind of a frame over the limit (reported as a misbehaviour).
pub(crate) const OVERSIZED: &str = "frame over the protocol's size limit";

async fn read_frame<T: AsyncRead + Unpin + Send>(io: &mut T, max: usize) -> io::Result<Vec<u8>> {
    let mut len: u64 = 0;
    let mut shift = 0;
    loop {
        let mut byte = [0u8; 1];
        io.read_exact(&mut byte).await?;
        len |= u64::from(byte[0] & 0x7f) << shift;
        if byte[0] & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 35 {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "length prefix too long"));
        }
    }
    if len > max as u64 {
        return Err(io::Error::new(io::ErrorKind::InvalidData, OVERSIZED));
    }
    let mut buf = vec![0u8; len as usize];
    io.read_exact(&mut buf).await?;
    Ok(buf)
}

async fn write_frame<T: AsyncWrite + Unpin + Send>(io: &mut T, bytes: &[u8]) -> io::Result<()> {
    let mut len = bytes.len() as u64;
    let mut prefix = Vec::with_capacity(5);
    loop {
        let b = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            prefix.push(b);
            break;
        }
        prefix.push(b | 0x80);
    }
    io.write_all(&prefix).await?;
    io.write_all(bytes).await?;
    io.close().await
}

#[async_trait::async_trait]
impl libp2p::request_response::Codec for FrameCodec {
    type Protocol = StreamProtocol;
    type Request = Vec<u8>;
    type Response = Vec<u8>;

    async fn read_request<T: AsyncRead + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<Vec<u8>> {
        read_frame(io, self.max_request).await
    }

    async fn read_response<T: AsyncRead + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<Vec<u8>> {
        read_frame(io, self.max_response).await
    }

    async fn write_request<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        request: Vec<u8>,
    ) -> io::Result<()> {
        if request.len() > self.max_request {
            // Our own mistake, not the peer's: a different message than a read's.
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "request over the limit"));
        }
        write_frame(io, &request).await
    }

    async fn write_response<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        response: Vec<u8>,
    ) -> io::Result<()> {
        write_frame(io, &response).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_limits_hold() {
        futures::executor::block_on(async {
            for len in [0usize, 1, 127, 128, 300, 70_000] {
                let payload = vec![7u8; len];
                let mut buf = futures::io::Cursor::new(Vec::new());
                write_frame(&mut buf, &payload).await.unwrap();
                let mut input = futures::io::Cursor::new(buf.into_inner());
                assert_eq!(read_frame(&mut input, 70_000).await.unwrap(), payload);
            }
            let mut buf = futures::io::Cursor::new(Vec::new());
            write_frame(&mut buf, &[1u8; 1000]).await.unwrap();
            let mut input = futures::io::Cursor::new(buf.into_inner());
            let err = read_frame(&mut input, 999).await.unwrap_err();
            assert_eq!(err.to_string(), OVERSIZED);
            // A length prefix that never ends.
            let mut input = futures::io::Cursor::new(vec![0xffu8; 16]);
            assert!(read_frame(&mut input, usize::MAX).await.is_err());
            // A frame shorter than its length.
            let mut input = futures::io::Cursor::new(vec![10u8, 1, 2]);
            assert!(read_frame(&mut input, 100).await.is_err());
        });
    }

    #[test]
    fn names_carry_the_genesis_hash() {
        let name = Protocol::Sync.name(&[0xab; 32]);
        assert_eq!(name.as_ref(), format!("/{}/sync/2", "ab".repeat(32)));
    }
}
