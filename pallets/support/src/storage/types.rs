//! The storage item types. Each is a zero-sized type used through its associated
//! functions: `Account::get(&who)`, `TotalIssuance::put(&x)`.

use super::{get, kill, put, PrefixKeys, ReversibleHasher, StorageHasher, StorageInstance};
use alloc::vec::Vec;
use codec::{Encode, FullCodec};
use core::marker::PhantomData;
use frame_metadata::v14::{StorageEntryMetadata, StorageEntryModifier, StorageEntryType};
use scale_info::{form::MetaForm, meta_type, StaticTypeInfo};

/// What `get` returns when nothing is stored: [`OptionQuery`] gives `None`,
/// [`ValueQuery`] gives the type's default.
pub trait QueryKind<V> {
    /// The type `get` returns.
    type Query;
    /// The metadata modifier (`Optional` or `Default`).
    const MODIFIER: StorageEntryModifier;
    /// Converts what is stored into the query type.
    fn from_stored(v: Option<V>) -> Self::Query;
    /// Converts the query type into what to store (`None` removes the value).
    fn to_stored(q: Self::Query) -> Option<V>;
    /// The encoded value clients assume when nothing is stored.
    fn fallback() -> Vec<u8>;
}

/// `get` returns `Option<V>`: `None` when nothing is stored.
pub struct OptionQuery;

impl<V: Encode> QueryKind<V> for OptionQuery {
    type Query = Option<V>;
    const MODIFIER: StorageEntryModifier = StorageEntryModifier::Optional;
    fn from_stored(v: Option<V>) -> Option<V> {
        v
    }
    fn to_stored(q: Option<V>) -> Option<V> {
        q
    }
    fn fallback() -> Vec<u8> {
        alloc::vec![0]
    }
}

/// `get` returns `V`: `V::default()` when nothing is stored.
pub struct ValueQuery;

impl<V: Encode + Default> QueryKind<V> for ValueQuery {
    type Query = V;
    const MODIFIER: StorageEntryModifier = StorageEntryModifier::Default;
    fn from_stored(v: Option<V>) -> V {
        v.unwrap_or_default()
    }
    fn to_stored(q: V) -> Option<V> {
        Some(q)
    }
    fn fallback() -> Vec<u8> {
        V::default().encode()
    }
}

fn entry(
    name: &'static str,
    modifier: StorageEntryModifier,
    ty: StorageEntryType<MetaForm>,
    default: Vec<u8>,
    docs: &'static [&'static str],
) -> StorageEntryMetadata<MetaForm> {
    StorageEntryMetadata { name, modifier, ty, default, docs: docs.to_vec() }
}

/// A single value at `PREFIX`.
pub struct StorageValue<P, V, Q = OptionQuery>(PhantomData<(P, V, Q)>);

impl<P: StorageInstance, V: FullCodec + StaticTypeInfo, Q: QueryKind<V>> StorageValue<P, V, Q> {
    /// The storage key.
    pub fn key() -> [u8; 32] {
        P::PREFIX
    }

    /// The stored value (see [`QueryKind`]).
    pub fn get() -> Q::Query {
        Q::from_stored(get(&P::PREFIX))
    }

    /// Whether a value is stored.
    pub fn exists() -> bool {
        lattice_io::storage::exists(&P::PREFIX)
    }

    /// Stores `v`.
    pub fn put(v: &V) {
        put(&P::PREFIX, v)
    }

    /// Stores `q` (removing the value for `None` under [`OptionQuery`]).
    pub fn set(q: Q::Query) {
        match Q::to_stored(q) {
            Some(v) => put(&P::PREFIX, &v),
            None => kill(&P::PREFIX),
        }
    }

    /// Removes the value.
    pub fn kill() {
        kill(&P::PREFIX)
    }

    /// Removes the value and returns what was stored.
    pub fn take() -> Q::Query {
        let v = get(&P::PREFIX);
        if v.is_some() {
            kill(&P::PREFIX);
        }
        Q::from_stored(v)
    }

    /// Changes the value in place.
    pub fn mutate<R>(f: impl FnOnce(&mut Q::Query) -> R) -> R {
        let mut q = Self::get();
        let r = f(&mut q);
        Self::set(q);
        r
    }

    /// Changes the value in place if `f` succeeds; leaves it untouched otherwise.
    pub fn try_mutate<R, E>(f: impl FnOnce(&mut Q::Query) -> Result<R, E>) -> Result<R, E> {
        let mut q = Self::get();
        let r = f(&mut q)?;
        Self::set(q);
        Ok(r)
    }

    /// Metadata of this item.
    pub fn metadata(docs: &'static [&'static str]) -> StorageEntryMetadata<MetaForm> {
        entry(P::NAME, Q::MODIFIER, StorageEntryType::Plain(meta_type::<V>()), Q::fallback(), docs)
    }
}

/// A map from `K` to `V` under `PREFIX`, keys hashed with `H`.
pub struct StorageMap<P, H, K, V, Q = OptionQuery>(PhantomData<(P, H, K, V, Q)>);

impl<P, H, K, V, Q> StorageMap<P, H, K, V, Q>
where
    P: StorageInstance,
    H: StorageHasher,
    K: FullCodec + StaticTypeInfo,
    V: FullCodec + StaticTypeInfo,
    Q: QueryKind<V>,
{
    /// The storage key of `k`.
    pub fn key(k: &K) -> Vec<u8> {
        let hashed = k.using_encoded(H::hash);
        let mut key = Vec::with_capacity(32 + hashed.len());
        key.extend_from_slice(&P::PREFIX);
        key.extend_from_slice(&hashed);
        key
    }

    /// The value of `k` (see [`QueryKind`]).
    pub fn get(k: &K) -> Q::Query {
        Q::from_stored(get(&Self::key(k)))
    }

    /// Whether `k` has a value.
    pub fn contains_key(k: &K) -> bool {
        lattice_io::storage::exists(&Self::key(k))
    }

    /// Stores `v` for `k`.
    pub fn insert(k: &K, v: &V) {
        put(&Self::key(k), v)
    }

    /// Stores `q` for `k` (removing it for `None` under [`OptionQuery`]).
    pub fn set(k: &K, q: Q::Query) {
        let key = Self::key(k);
        match Q::to_stored(q) {
            Some(v) => put(&key, &v),
            None => kill(&key),
        }
    }

    /// Removes `k`.
    pub fn remove(k: &K) {
        kill(&Self::key(k))
    }

    /// Removes `k` and returns what was stored.
    pub fn take(k: &K) -> Q::Query {
        let key = Self::key(k);
        let v = get(&key);
        if v.is_some() {
            kill(&key);
        }
        Q::from_stored(v)
    }

    /// Changes the value of `k` in place.
    pub fn mutate<R>(k: &K, f: impl FnOnce(&mut Q::Query) -> R) -> R {
        let key = Self::key(k);
        let mut q = Q::from_stored(get(&key));
        let r = f(&mut q);
        match Q::to_stored(q) {
            Some(v) => put(&key, &v),
            None => kill(&key),
        }
        r
    }

    /// Changes the value of `k` in place if `f` succeeds.
    pub fn try_mutate<R, E>(k: &K, f: impl FnOnce(&mut Q::Query) -> Result<R, E>) -> Result<R, E> {
        let key = Self::key(k);
        let mut q = Q::from_stored(get(&key));
        let r = f(&mut q)?;
        match Q::to_stored(q) {
            Some(v) => put(&key, &v),
            None => kill(&key),
        }
        Ok(r)
    }

    /// Removes up to `limit` entries (all when `None`); returns how many were removed and
    /// whether the map is now empty.
    pub fn clear(limit: Option<u32>) -> lattice_io::ClearPrefixOutcome {
        lattice_io::storage::clear_prefix(&P::PREFIX, limit)
    }

    /// Metadata of this item.
    pub fn metadata(docs: &'static [&'static str]) -> StorageEntryMetadata<MetaForm> {
        let ty = StorageEntryType::Map {
            hashers: alloc::vec![H::METADATA],
            key: meta_type::<K>(),
            value: meta_type::<V>(),
        };
        entry(P::NAME, Q::MODIFIER, ty, Q::fallback(), docs)
    }
}

impl<P, H, K, V, Q> StorageMap<P, H, K, V, Q>
where
    P: StorageInstance,
    H: ReversibleHasher,
    K: FullCodec + StaticTypeInfo,
    V: FullCodec + StaticTypeInfo,
    Q: QueryKind<V>,
{
    /// All keys, in storage order (by hash, not by key). Undecodable keys are skipped.
    pub fn iter_keys() -> impl Iterator<Item = K> {
        PrefixKeys::new(P::PREFIX.to_vec())
            .filter_map(|raw| K::decode(&mut &raw[32 + H::HASH_LEN..]).ok())
    }

    /// All entries, in storage order. Undecodable entries are skipped.
    pub fn iter() -> impl Iterator<Item = (K, V)> {
        PrefixKeys::new(P::PREFIX.to_vec()).filter_map(|raw| {
            let k = K::decode(&mut &raw[32 + H::HASH_LEN..]).ok()?;
            let v = get::<V>(&raw)?;
            Some((k, v))
        })
    }
}

/// A map keyed by two keys, `K1` hashed with `H1` then `K2` with `H2`; entries sharing
/// `K1` are contiguous, so they can be iterated and removed together.
pub struct StorageDoubleMap<P, H1, K1, H2, K2, V, Q = OptionQuery>(
    PhantomData<(P, H1, K1, H2, K2, V, Q)>,
);

impl<P, H1, K1, H2, K2, V, Q> StorageDoubleMap<P, H1, K1, H2, K2, V, Q>
where
    P: StorageInstance,
    H1: StorageHasher,
    K1: FullCodec + StaticTypeInfo,
    H2: StorageHasher,
    K2: FullCodec + StaticTypeInfo,
    V: FullCodec + StaticTypeInfo,
    Q: QueryKind<V>,
{
    /// The key prefix of every entry under `k1`.
    pub fn prefix(k1: &K1) -> Vec<u8> {
        let h1 = k1.using_encoded(H1::hash);
        let mut key = Vec::with_capacity(32 + h1.len() + 48);
        key.extend_from_slice(&P::PREFIX);
        key.extend_from_slice(&h1);
        key
    }

    /// The storage key of `(k1, k2)`.
    pub fn key(k1: &K1, k2: &K2) -> Vec<u8> {
        let mut key = Self::prefix(k1);
        key.extend_from_slice(&k2.using_encoded(H2::hash));
        key
    }

    /// The value of `(k1, k2)`.
    pub fn get(k1: &K1, k2: &K2) -> Q::Query {
        Q::from_stored(get(&Self::key(k1, k2)))
    }

    /// Whether `(k1, k2)` has a value.
    pub fn contains_key(k1: &K1, k2: &K2) -> bool {
        lattice_io::storage::exists(&Self::key(k1, k2))
    }

    /// Stores `v` for `(k1, k2)`.
    pub fn insert(k1: &K1, k2: &K2, v: &V) {
        put(&Self::key(k1, k2), v)
    }

    /// Removes `(k1, k2)`.
    pub fn remove(k1: &K1, k2: &K2) {
        kill(&Self::key(k1, k2))
    }

    /// Changes the value of `(k1, k2)` in place.
    pub fn mutate<R>(k1: &K1, k2: &K2, f: impl FnOnce(&mut Q::Query) -> R) -> R {
        let key = Self::key(k1, k2);
        let mut q = Q::from_stored(get(&key));
        let r = f(&mut q);
        match Q::to_stored(q) {
            Some(v) => put(&key, &v),
            None => kill(&key),
        }
        r
    }

    /// Removes up to `limit` entries under `k1` (all when `None`).
    pub fn clear_prefix(k1: &K1, limit: Option<u32>) -> lattice_io::ClearPrefixOutcome {
        lattice_io::storage::clear_prefix(&Self::prefix(k1), limit)
    }

    /// Metadata of this item.
    pub fn metadata(docs: &'static [&'static str]) -> StorageEntryMetadata<MetaForm> {
        let ty = StorageEntryType::Map {
            hashers: alloc::vec![H1::METADATA, H2::METADATA],
            key: meta_type::<(K1, K2)>(),
            value: meta_type::<V>(),
        };
        entry(P::NAME, Q::MODIFIER, ty, Q::fallback(), docs)
    }
}

impl<P, H1, K1, H2, K2, V, Q> StorageDoubleMap<P, H1, K1, H2, K2, V, Q>
where
    P: StorageInstance,
    H1: StorageHasher,
    K1: FullCodec + StaticTypeInfo,
    H2: ReversibleHasher,
    K2: FullCodec + StaticTypeInfo,
    V: FullCodec + StaticTypeInfo,
    Q: QueryKind<V>,
{
    /// Every `(k2, value)` under `k1`, in storage order.
    pub fn iter_prefix(k1: &K1) -> impl Iterator<Item = (K2, V)> {
        let prefix = Self::prefix(k1);
        let skip = prefix.len() + H2::HASH_LEN;
        PrefixKeys::new(prefix).filter_map(move |raw| {
            let k2 = K2::decode(&mut &raw[skip..]).ok()?;
            Some((k2, get::<V>(&raw)?))
        })
    }

    /// Every `(k2, value)` under `k1` that comes after `after` in storage order (all of
    /// them for `None`): paged iteration that resumes after the last key it handled,
    /// even if that entry was removed meanwhile.
    pub fn iter_prefix_after(k1: &K1, after: Option<&K2>) -> impl Iterator<Item = (K2, V)> {
        let prefix = Self::prefix(k1);
        let skip = prefix.len() + H2::HASH_LEN;
        let keys = match after {
            Some(k2) => PrefixKeys::starting_after(prefix, Self::key(k1, k2)),
            None => PrefixKeys::new(prefix),
        };
        keys.filter_map(move |raw| {
            let k2 = K2::decode(&mut &raw[skip..]).ok()?;
            Some((k2, get::<V>(&raw)?))
        })
    }
}

/// A [`StorageMap`] that also keeps its number of entries, in the value
/// `twox128(pallet) ++ twox128("CounterFor" ++ item)` as Substrate does.
pub struct CountedStorageMap<P, C, H, K, V, Q = OptionQuery>(PhantomData<(P, C, H, K, V, Q)>);

impl<P, C, H, K, V, Q> CountedStorageMap<P, C, H, K, V, Q>
where
    P: StorageInstance,
    C: StorageInstance,
    H: StorageHasher,
    K: FullCodec + StaticTypeInfo,
    V: FullCodec + StaticTypeInfo,
    Q: QueryKind<V>,
{
    fn map_key(k: &K) -> Vec<u8> {
        StorageMap::<P, H, K, V, Q>::key(k)
    }

    /// Number of entries.
    pub fn count() -> u32 {
        get::<u32>(&C::PREFIX).unwrap_or(0)
    }

    fn set_count(n: u32) {
        put(&C::PREFIX, &n)
    }

    /// The value of `k`.
    pub fn get(k: &K) -> Q::Query {
        Q::from_stored(get(&Self::map_key(k)))
    }

    /// Whether `k` has a value.
    pub fn contains_key(k: &K) -> bool {
        lattice_io::storage::exists(&Self::map_key(k))
    }

    /// Stores `v` for `k`, counting it if new.
    pub fn insert(k: &K, v: &V) {
        let key = Self::map_key(k);
        if !lattice_io::storage::exists(&key) {
            Self::set_count(Self::count().saturating_add(1));
        }
        put(&key, v)
    }

    /// Removes `k`, uncounting it if present.
    pub fn remove(k: &K) {
        let key = Self::map_key(k);
        if lattice_io::storage::exists(&key) {
            Self::set_count(Self::count().saturating_sub(1));
            kill(&key)
        }
    }

    /// Changes the value of `k` in place, keeping the count right.
    pub fn mutate<R>(k: &K, f: impl FnOnce(&mut Q::Query) -> R) -> R {
        let key = Self::map_key(k);
        let before: Option<V> = get(&key);
        let existed = before.is_some();
        let mut q = Q::from_stored(before);
        let r = f(&mut q);
        match Q::to_stored(q) {
            Some(v) => {
                if !existed {
                    Self::set_count(Self::count().saturating_add(1));
                }
                put(&key, &v)
            }
            None => {
                if existed {
                    Self::set_count(Self::count().saturating_sub(1));
                }
                kill(&key)
            }
        }
        r
    }

    /// Metadata of the map and of its counter.
    pub fn metadata(docs: &'static [&'static str]) -> [StorageEntryMetadata<MetaForm>; 2] {
        [
            StorageMap::<P, H, K, V, Q>::metadata(docs),
            entry(
                C::NAME,
                StorageEntryModifier::Default,
                StorageEntryType::Plain(meta_type::<u32>()),
                0u32.encode(),
                &["Number of entries of the map beside it."],
            ),
        ]
    }
}

impl<P, C, H, K, V, Q> CountedStorageMap<P, C, H, K, V, Q>
where
    P: StorageInstance,
    C: StorageInstance,
    H: ReversibleHasher,
    K: FullCodec + StaticTypeInfo,
    V: FullCodec + StaticTypeInfo,
    Q: QueryKind<V>,
{
    /// All entries, in storage order.
    pub fn iter() -> impl Iterator<Item = (K, V)> {
        StorageMap::<P, H, K, V, Q>::iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{Blake2_128Concat, Twox64Concat};
    use lattice_io::TestExternalities;

    crate::storage_prefix!(struct ValuePrefix = "Test", "Value";);
    crate::storage_prefix!(struct MapPrefix = "Test", "Map";);
    crate::storage_prefix!(struct DoublePrefix = "Test", "Double";);
    crate::storage_prefix!(struct CountedPrefix = "Test", "Counted";);
    crate::storage_prefix!(struct CounterPrefix = "Test", "CounterForCounted";);

    type Value = StorageValue<ValuePrefix, u32, ValueQuery>;
    type Map = StorageMap<MapPrefix, Blake2_128Concat, u64, u32>;
    type Double = StorageDoubleMap<DoublePrefix, Twox64Concat, u8, Blake2_128Concat, u16, u32>;
    type Counted = CountedStorageMap<CountedPrefix, CounterPrefix, Twox64Concat, u8, u8>;

    #[test]
    fn value_query_defaults_and_mutates() {
        TestExternalities::default().execute_with(|| {
            assert_eq!(Value::get(), 0);
            assert!(!Value::exists());
            Value::mutate(|v| *v += 5);
            assert_eq!(Value::get(), 5);
            assert_eq!(Value::take(), 5);
            assert!(!Value::exists());
            let r: Result<(), ()> = Value::try_mutate(|v| {
                *v = 9;
                Err(())
            });
            assert!(r.is_err());
            assert_eq!(Value::get(), 0);
        });
    }

    #[test]
    fn map_iterates_and_clears() {
        TestExternalities::default().execute_with(|| {
            for i in 0..10u64 {
                Map::insert(&i, &(i as u32 * 2));
            }
            assert_eq!(Map::get(&3), Some(6));
            assert_eq!(Map::get(&30), None);
            let mut all: Vec<_> = Map::iter().collect();
            all.sort();
            assert_eq!(all, (0..10u64).map(|i| (i, i as u32 * 2)).collect::<Vec<_>>());
            Map::mutate(&3, |v| *v = None);
            assert!(!Map::contains_key(&3));
            let out = Map::clear(Some(4));
            assert_eq!((out.removed, out.complete), (4, false));
            assert_eq!(Map::iter_keys().count(), 5);
            assert!(Map::clear(None).complete);
        });
    }

    #[test]
    fn double_map_prefix_operations() {
        TestExternalities::default().execute_with(|| {
            Double::insert(&1, &10, &100);
            Double::insert(&1, &11, &110);
            Double::insert(&2, &10, &200);
            let mut under_one: Vec<_> = Double::iter_prefix(&1).collect();
            under_one.sort();
            assert_eq!(under_one, vec![(10, 100), (11, 110)]);
            Double::clear_prefix(&1, None);
            assert_eq!(Double::iter_prefix(&1).count(), 0);
            assert_eq!(Double::get(&2, &10), Some(200));
        });
    }

    #[test]
    fn counted_map_keeps_its_count() {
        TestExternalities::default().execute_with(|| {
            Counted::insert(&1, &1);
            Counted::insert(&1, &2);
            Counted::insert(&2, &2);
            assert_eq!(Counted::count(), 2);
            Counted::mutate(&3, |v| *v = Some(3));
            assert_eq!(Counted::count(), 3);
            Counted::mutate(&3, |v| *v = None);
            Counted::remove(&1);
            Counted::remove(&1);
            assert_eq!(Counted::count(), 1);
            assert_eq!(Counted::iter().collect::<Vec<_>>(), vec![(2, 2)]);
        });
    }

    #[test]
    fn corrupt_value_reads_as_absent() {
        TestExternalities::default().execute_with(|| {
            lattice_io::storage::set(&Map::key(&7), &[1]);
            assert_eq!(Map::get(&7), None);
        });
    }
}
