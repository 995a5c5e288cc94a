//! GRANDPA's gossip on the `grandpa/1` protocol.

use lattice_consensus::grandpa::gossip::{self, GossipTransport, GrandpaGossip};
use lattice_network::{Misbehaviour, NetworkService, PeerId, Protocol};

/// Sends gossip through the network; maps the gossip layer's complaints to reputation.
pub struct NetworkTransport(pub NetworkService);

impl GossipTransport<PeerId> for NetworkTransport {
    fn send(&self, to: &PeerId, message: Vec<u8>) {
        self.0.notify(*to, Protocol::Grandpa, message);
    }

    fn report(&self, who: &PeerId, misbehaviour: gossip::Misbehaviour) {
        use gossip::Misbehaviour as G;
        let m = match misbehaviour {
            G::Undecodable => Misbehaviour::Undecodable(Protocol::Grandpa),
            G::Oversized => Misbehaviour::Oversized(Protocol::Grandpa),
            m if m.is_fatal() => Misbehaviour::Invalid(Protocol::Grandpa),
            _ => Misbehaviour::Useless(Protocol::Grandpa),
        };
        self.0.report(*who, m);
    }
}

impl super::GrandpaSink for GrandpaGossip<PeerId> {
    fn peer_connected(&self, peer: &PeerId) {
        self.on_peer_connected(peer);
    }

    fn peer_disconnected(&self, peer: &PeerId) {
        self.on_peer_disconnected(peer);
    }

    fn message(&self, peer: &PeerId, bytes: &[u8]) {
        self.on_message(peer, bytes);
    }
}
