//! Integration tests of `lattice-state`, one module per topic.

mod errors;
mod ext_oracle;
mod proofs;
mod roots;

/// A small deterministic PRNG (SplitMix64), so failures replay from their seed.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), close enough for tests.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A short key over a three-byte alphabet, so keys collide, share prefixes and
    /// include the empty key.
    pub(crate) fn key(&mut self) -> Vec<u8> {
        const ALPHABET: [u8; 3] = [0x00, 0x01, 0xab];
        let len = self.below(5) as usize;
        (0..len).map(|_| ALPHABET[self.below(3) as usize]).collect()
    }

    /// A value: empty, short (inline in its trie node) or long (its own node in V1).
    pub(crate) fn value(&mut self) -> Vec<u8> {
        let len = match self.below(4) {
            0 => 0,
            1 | 2 => 1 + self.below(31),
            _ => 33 + self.below(64),
        } as usize;
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// The reference root of `pairs`, computed from scratch by `sp-trie`.
pub(crate) fn reference_root<'a>(
    pairs: impl IntoIterator<Item = (&'a Vec<u8>, &'a Vec<u8>)>,
) -> [u8; 32] {
    use sp_trie::TrieConfiguration;
    lattice_state::Layout::trie_root(pairs).0
}
