//! The genesis config (JSON, as in Substrate chain specs) and its presets.
//!
//! `GenesisBuilder_build_state` takes a JSON object with one optional section per pallet
//! (missing sections take their defaults; unknown fields are refused):
//!
//! ```json
//! {
//!   "balances": { "balances": [["5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", 1000000000000000000]] },
//!   "aura": { "authorities": ["5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"] },
//!   "grandpa": { "authorities": [["5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu", 1]] },
//!   "sudo": { "key": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY" },
//!   "session": {
//!     "period": 20,
//!     "keys": [["5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
//!               { "aura": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
//!                 "grandpa": "5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu" }]]
//!   },
//!   "staking": {
//!     "params": { "unbondingPeriod": 100 },
//!     "validators": [["5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", 100000000000000000, 0]],
//!     "delegations": []
//!   }
//! }
//! ```
//!
//! With session keys given, the Aura and GRANDPA sections may be left out: their
//! authorities are the session keys'. When both are given they must agree. Staking's
//! `params` fields each default to Lattice's defaults (`StakingParams::defaults(LAT)`);
//! fractions are in billionths (`Perbill`).
//!
//! Accounts and keys are SS58 addresses (any prefix) or `0x`-prefixed hex of 32 bytes.
//! The runtime code itself (`:code`) is not part of this config: the node stores it.

use crate::{Runtime, LAT};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use lattice_primitives::AccountId32;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The genesis config of the runtime.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct RuntimeGenesisConfig {
    /// The system pallet (no fields).
    pub system: SystemConfig,
    /// Endowed accounts.
    pub balances: BalancesConfig,
    /// Initial Aura authorities.
    pub aura: AuraConfig,
    /// Initial GRANDPA authorities.
    pub grandpa: GrandpaConfig,
    /// The sudo key.
    pub sudo: SudoConfig,
    /// Session keys of the first validators and the era length.
    pub session: SessionConfig,
    /// Staking parameters, the first validators and delegations.
    pub staking: StakingConfig,
}

/// One validator's session keys.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionKeysConfig {
    /// The Aura (sr25519) public key.
    pub aura: Account,
    /// The GRANDPA (ed25519) public key.
    pub grandpa: Account,
}

/// Genesis of the session pallet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    /// Blocks per era.
    pub period: u32,
    /// `(validator account, its keys)` of the first validators, in turn order.
    pub keys: Vec<(Account, SessionKeysConfig)>,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self { period: 600, keys: Vec::new() }
    }
}

/// Genesis of the staking pallet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StakingConfig {
    /// The economic parameters (missing fields take the defaults).
    pub params: StakingParamsConfig,
    /// `(validator, self-stake, commission in billionths)`.
    pub validators: Vec<(Account, u128, u32)>,
    /// `(delegator, validator, amount)`.
    pub delegations: Vec<(Account, Account, u128)>,
}

/// [`pallet_staking::StakingParams`] in JSON, every field optional.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[allow(missing_docs)]
pub struct StakingParamsConfig {
    pub min_validator_stake: u128,
    pub min_delegation: u128,
    pub max_delegations_per_delegator: u32,
    pub max_validator_share: u32,
    pub max_validators: u32,
    pub max_commission: u32,
    pub max_commission_change: u32,
    pub block_reward: u128,
    pub validator_reward_share: u32,
    pub min_uptime: u32,
    pub offline_slashes: [u32; 3],
    pub equivocation_slash: u32,
    pub reporter_share: u32,
    pub jail_eras: u32,
    pub unjail_early_fee: u128,
    pub jailed_unstake_penalty: u32,
    pub unbonding_period: u32,
}

impl Default for StakingParamsConfig {
    fn default() -> Self {
        Self::from(&pallet_staking::StakingParams::defaults(LAT))
    }
}

impl From<&pallet_staking::StakingParams> for StakingParamsConfig {
    fn from(p: &pallet_staking::StakingParams) -> Self {
        Self {
            min_validator_stake: p.min_validator_stake,
            min_delegation: p.min_delegation,
            max_delegations_per_delegator: p.max_delegations_per_delegator,
            max_validator_share: p.max_validator_share.0,
            max_validators: p.max_validators,
            max_commission: p.max_commission.0,
            max_commission_change: p.max_commission_change.0,
            block_reward: p.block_reward,
            validator_reward_share: p.validator_reward_share.0,
            min_uptime: p.min_uptime.0,
            offline_slashes: p.offline_slashes.map(|f| f.0),
            equivocation_slash: p.equivocation_slash.0,
            reporter_share: p.reporter_share.0,
            jail_eras: p.jail_eras,
            unjail_early_fee: p.unjail_early_fee,
            jailed_unstake_penalty: p.jailed_unstake_penalty.0,
            unbonding_period: p.unbonding_period,
        }
    }
}

impl From<&StakingParamsConfig> for pallet_staking::StakingParams {
    fn from(p: &StakingParamsConfig) -> Self {
        use lattice_support::arithmetic::Perbill;
        Self {
            min_validator_stake: p.min_validator_stake,
            min_delegation: p.min_delegation,
            max_delegations_per_delegator: p.max_delegations_per_delegator,
            max_validator_share: Perbill(p.max_validator_share),
            max_validators: p.max_validators,
            max_commission: Perbill(p.max_commission),
            max_commission_change: Perbill(p.max_commission_change),
            block_reward: p.block_reward,
            validator_reward_share: Perbill(p.validator_reward_share),
            min_uptime: Perbill(p.min_uptime),
            offline_slashes: p.offline_slashes.map(Perbill),
            equivocation_slash: Perbill(p.equivocation_slash),
            reporter_share: Perbill(p.reporter_share),
            jail_eras: p.jail_eras,
            unjail_early_fee: p.unjail_early_fee,
            jailed_unstake_penalty: Perbill(p.jailed_unstake_penalty),
            unbonding_period: p.unbonding_period,
        }
    }
}

/// Genesis of the system pallet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemConfig {}

/// Genesis of the balances pallet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BalancesConfig {
    /// `(account, free balance)` pairs.
    pub balances: Vec<(Account, u128)>,
}

/// Genesis of the Aura pallet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuraConfig {
    /// sr25519 public keys of the authorities.
    pub authorities: Vec<Account>,
}

/// Genesis of the GRANDPA pallet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GrandpaConfig {
    /// ed25519 public keys of the authorities with their weights.
    pub authorities: Vec<(Account, u64)>,
}

/// Genesis of the sudo pallet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SudoConfig {
    /// The sudo key, if any.
    pub key: Option<Account>,
}

/// 32 bytes written as an SS58 address (or `0x` hex) in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Account(pub [u8; 32]);

impl From<Account> for AccountId32 {
    fn from(a: Account) -> Self {
        AccountId32(a.0)
    }
}

/// The SS58 prefix used when writing addresses (generic Substrate, 42).
pub const SS58_PREFIX: u16 = 42;

/// Encodes 32 bytes as an SS58 address with `prefix` (simple prefixes, below 64).
pub fn ss58_encode(bytes: &[u8; 32], prefix: u16) -> String {
    let mut data = Vec::with_capacity(35);
    data.push(prefix as u8);
    data.extend_from_slice(bytes);
    let checksum = ss58_checksum(&data);
    data.extend_from_slice(&checksum[..2]);
    bs58::encode(data).into_string()
}

fn ss58_checksum(data: &[u8]) -> [u8; 64] {
    let mut pre = Vec::with_capacity(7 + data.len());
    pre.extend_from_slice(b"SS58PRE");
    pre.extend_from_slice(data);
    sp_crypto_hashing::blake2_512(&pre)
}

/// Decodes an SS58 address (one- or two-byte prefix) or `0x` hex into 32 bytes.
pub fn parse_account(s: &str) -> Result<[u8; 32], String> {
    if let Some(hex) = s.strip_prefix("0x") {
        if hex.len() != 64 {
            return Err(format!("hex account must be 32 bytes: {s}"));
        }
        let mut out = [0u8; 32];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .map_err(|_| format!("invalid hex account: {s}"))?;
        }
        return Ok(out);
    }
    let data = bs58::decode(s).into_vec().map_err(|_| format!("invalid SS58 address: {s}"))?;
    let prefix_len = match data.first() {
        Some(b) if *b < 64 => 1,
        Some(b) if *b < 128 => 2,
        _ => return Err(format!("invalid SS58 prefix: {s}")),
    };
    if data.len() != prefix_len + 32 + 2 {
        return Err(format!("SS58 address is not of a 32-byte account: {s}"));
    }
    let checksum = ss58_checksum(&data[..prefix_len + 32]);
    if data[prefix_len + 32..] != checksum[..2] {
        return Err(format!("SS58 checksum mismatch: {s}"));
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(&data[prefix_len..prefix_len + 32]);
    Ok(out)
}

impl Serialize for Account {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&ss58_encode(&self.0, SS58_PREFIX))
    }
}

impl<'de> Deserialize<'de> for Account {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_account(&s).map(Account).map_err(serde::de::Error::custom)
    }
}

impl RuntimeGenesisConfig {
    /// Writes the genesis state of every pallet into the installed externalities.
    pub fn build(&self) -> Result<(), String> {
        pallet_system::Pallet::<Runtime>::build_genesis();
        pallet_balances::GenesisConfig {
            balances: self.balances.balances.iter().map(|(a, b)| ((*a).into(), *b)).collect(),
        }
        .build::<Runtime>()
        .map_err(|e| format!("balances: {e}"))?;
        let session = pallet_session::GenesisConfig {
            period: self.session.period,
            keys: self
                .session
                .keys
                .iter()
                .map(|(who, k)| {
                    let keys = pallet_session::SessionKeys {
                        aura: pallet_aura::AuthorityId(k.aura.0),
                        grandpa: pallet_grandpa::AuthorityId(k.grandpa.0),
                    };
                    ((*who).into(), keys)
                })
                .collect(),
        };
        let mut aura: Vec<_> =
            self.aura.authorities.iter().map(|a| pallet_aura::AuthorityId(a.0)).collect();
        let mut grandpa: Vec<_> = self
            .grandpa
            .authorities
            .iter()
            .map(|(a, w)| (pallet_grandpa::AuthorityId(a.0), *w))
            .collect();
        if !session.keys.is_empty() {
            if aura.is_empty() && grandpa.is_empty() {
                aura = session.aura_authorities();
                grandpa = session.grandpa_authorities();
            } else if aura != session.aura_authorities() || grandpa != session.grandpa_authorities()
            {
                return Err("session: the Aura and GRANDPA authorities differ from the session \
                            keys (leave them out to take the session keys')"
                    .into());
            }
        }
        pallet_aura::GenesisConfig { authorities: aura }
            .build::<Runtime>()
            .map_err(|e| format!("aura: {e}"))?;
        pallet_grandpa::GenesisConfig { authorities: grandpa }
            .build::<Runtime>()
            .map_err(|e| format!("grandpa: {e}"))?;
        if !session.keys.is_empty() {
            session.build::<Runtime>().map_err(|e| format!("session: {e}"))?;
        }
        pallet_staking::GenesisConfig {
            params: (&self.staking.params).into(),
            validators: self
                .staking
                .validators
                .iter()
                .map(|(v, stake, c)| {
                    ((*v).into(), *stake, lattice_support::arithmetic::Perbill(*c))
                })
                .collect(),
            delegations: self
                .staking
                .delegations
                .iter()
                .map(|(d, v, amount)| ((*d).into(), (*v).into(), *amount))
                .collect(),
        }
        .build::<Runtime>()
        .map_err(|e| format!("staking: {e}"))?;
        pallet_sudo::GenesisConfig { key: self.sudo.key.map(Into::into) }
            .build::<Runtime>()
            .map_err(|e| format!("sudo: {e}"))?;
        pallet_transaction_payment::GenesisConfig::default()
            .build::<Runtime>()
            .map_err(|e| format!("transaction payment: {e}"))?;
        Ok(())
    }
}

/// `GenesisBuilder_build_state`: parses `json` and builds the state, or says why not.
pub fn build_state(json: Vec<u8>) -> Result<(), String> {
    let config: RuntimeGenesisConfig =
        serde_json::from_slice(&json).map_err(|e| format!("invalid genesis config: {e}"))?;
    config.build()
}

/// The names of the presets.
pub fn preset_names() -> Vec<String> {
    vec![DEVELOPMENT.to_string(), LOCAL_TESTNET.to_string()]
}

/// The preset for `--dev`: Alice is the only authority and the sudo key.
pub const DEVELOPMENT: &str = "development";
/// The preset for `local`: Alice, Bob, Charlie and Dave are authorities.
pub const LOCAL_TESTNET: &str = "local_testnet";

/// `GenesisBuilder_get_preset`: the JSON of a preset (the development one for `None`).
pub fn get_preset(id: Option<&str>) -> Option<Vec<u8>> {
    let config = match id {
        None | Some(DEVELOPMENT) => preset(&[0], DEV_ERA_LENGTH),
        Some(LOCAL_TESTNET) => preset(&[0, 1, 2, 3], LOCAL_ERA_LENGTH),
        Some(_) => return None,
    };
    serde_json::to_vec(&config).ok()
}

/// `(name, sr25519 public, sr25519 //stash public, ed25519 public)`.
pub type DevKey = (&'static str, [u8; 32], [u8; 32], [u8; 32]);

/// The well-known development keys: `(name, sr25519 public, sr25519 //stash public,
/// ed25519 public)` of `//Alice` ... `//Ferdie`. A native test derives them again from
/// their seeds.
pub const DEV_KEYS: [DevKey; 6] = [
    (
        "Alice",
        hex32("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"),
        hex32("be5ddb1579b72e84524fc29e78609e3caf42e85aa118ebfe0b0ad404b5bdd25f"),
        hex32("88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee"),
    ),
    (
        "Bob",
        hex32("8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48"),
        hex32("fe65717dad0447d715f660a0a58411de509b42e6efb8375f562f58a554d5860e"),
        hex32("d17c2d7823ebf260fd138f2d7e27d114c0145d968b5ff5006125f2414fadae69"),
    ),
    (
        "Charlie",
        hex32("90b5ab205c6974c9ea841be688864633dc9ca8a357843eeacf2314649965fe22"),
        hex32("1e07379407fecc4b89eb7dbd287c2c781cfb1907a96947a3eb18e4f8e7198625"),
        hex32("439660b36c6c03afafca027b910b4fecf99801834c62a5e6006f27d978de234f"),
    ),
    (
        "Dave",
        hex32("306721211d5404bd9da88e0204360a1a9ab8b87c66c1bc2fcdd37f3c2222cc20"),
        hex32("e860f1b1c7227f7c22602f53f15af80747814dffd839719731ee3bba6edc126c"),
        hex32("5e639b43e0052c47447dac87d6fd2b6ec50bdd4d0f614e4299c665249bbd09d9"),
    ),
    (
        "Eve",
        hex32("e659a7a1628cdd93febc04a4e0646ea20e9f5f0ce097d9a05290d4a9e054df4e"),
        hex32("8ac59e11963af19174d0b94d5d78041c233f55d2e19324665bafdfb62925af2d"),
        hex32("1dfe3e22cc0d45c70779c1095f7489a8ef3cf52d62fbd8c2fa38c9f1723502b5"),
    ),
    (
        "Ferdie",
        hex32("1cbd2d43530a44705ad088af313e18f80b53ef16b36177cd4b77b846f2a5f07c"),
        hex32("101191192fc877c24d725b337120fa3edc63d227bbc92705db1e2cb65f56981a"),
        hex32("568cb4a574c6d178feb39c27dfc8b3f789e5f5423e19c71633c748b9acf086b5"),
    ),
];

/// What each development account is endowed with: one million LAT.
pub const DEV_ENDOWMENT: u128 = 1_000_000 * LAT;

/// Blocks per era of the development chain.
pub const DEV_ERA_LENGTH: u32 = 20;
/// Blocks per era of the local testnet.
pub const LOCAL_ERA_LENGTH: u32 = 50;
/// Blocks unbonded stake waits on the development chains.
pub const DEV_UNBONDING_PERIOD: u32 = 100;
/// What each development validator bonds: one tenth of its endowment.
pub const DEV_VALIDATOR_STAKE: u128 = DEV_ENDOWMENT / 10;

/// A development config with the dev keys at `authorities` as validators (each bonding
/// [`DEV_VALIDATOR_STAKE`], session keys its own sr25519 and ed25519 dev keys), eras of
/// `era_length` blocks, every dev account and stash endowed, and Alice as sudo.
pub fn preset(authorities: &[usize], era_length: u32) -> RuntimeGenesisConfig {
    let params = StakingParamsConfig {
        unbonding_period: DEV_UNBONDING_PERIOD,
        ..StakingParamsConfig::default()
    };
    RuntimeGenesisConfig {
        system: SystemConfig {},
        balances: BalancesConfig {
            balances: DEV_KEYS
                .iter()
                .flat_map(|(_, sr, stash, _)| {
                    [(Account(*sr), DEV_ENDOWMENT), (Account(*stash), DEV_ENDOWMENT)]
                })
                // The treasury exists from genesis, so small fee shares are never dust.
                .chain([(Account(crate::configs::TREASURY_ACCOUNT.0), LAT)])
                .collect(),
        },
        // Taken from the session keys.
        aura: AuraConfig::default(),
        grandpa: GrandpaConfig::default(),
        sudo: SudoConfig { key: Some(Account(DEV_KEYS[0].1)) },
        session: SessionConfig {
            period: era_length,
            keys: authorities
                .iter()
                .map(|i| {
                    let (_, sr, _, ed) = DEV_KEYS[*i];
                    (Account(sr), SessionKeysConfig { aura: Account(sr), grandpa: Account(ed) })
                })
                .collect(),
        },
        staking: StakingConfig {
            params,
            validators: authorities
                .iter()
                .map(|i| (Account(DEV_KEYS[*i].1), DEV_VALIDATOR_STAKE, 0))
                .collect(),
            delegations: Vec::new(),
        },
    }
}

const fn hex32(s: &str) -> [u8; 32] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not lowercase hex"),
        }
    }
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = nibble(b[2 * i]) << 4 | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}
