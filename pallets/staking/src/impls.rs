//! How staking moves with the chain: per-block performance and reward accrual, the
//! era's end (judgement, payouts, penalties, election), the paged jobs, the release of
//! unbonded stake, history pruning, equivocation slashes and the pallet's invariants.

use crate::{
    ActiveSet, BlockEquivocationProof, BlockEquivocationsReported, Config, CurrentEra, Delegations,
    DelegatorTargets, EquivocationProof, EquivocationsReported, EraIndex, EraReward, EraRewardPot,
    EraStartSlot, ErasPerformance, ErasReward, Error, Event, Job, JobKind, Jobs, JobsRange,
    LastSlot, NextRelease, OldestHistoryEra, OldestReportedSet, Pallet, PendingJobs, Performance,
    RedelegatedFrom, Redelegations, ReleaseQueue, Rewards, Stage, Tombstoned, TotalRewarded,
    TotalSlashed, Unbonding, UnbondingFrom, Validator, ValidatorStatus, Validators, LOG_TARGET,
};
use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;
use codec::Encode;
use lattice_support::arithmetic::mul_div_floor;
use lattice_support::lattice_primitives::staking::{EraPerformance, UnbondingInfo, ValidatorInfo};
use lattice_support::lattice_primitives::{
    InvalidTransaction, TransactionValidity, UnknownTransaction, ValidTransaction,
};
use lattice_support::traits::{Currency, CurrentSlot, SessionIndex, SessionManager, ValidatorSet};
use lattice_support::{log, AccountId32, Balance, BlockNumber, DispatchResult, Weight};

impl<T: Config> Pallet<T> {
    fn db_weight(reads: u64, writes: u64) -> Weight {
        let db = T::DB_WEIGHT;
        Weight::from_parts(
            db.read.saturating_mul(reads).saturating_add(db.write.saturating_mul(writes)),
            0,
        )
    }

    /// Records the block's slot in the era's performance (the slot's author authored
    /// it; every slot skipped since the last block was missed by its author) and
    /// accrues the block's reward.
    pub(crate) fn note_block() -> Weight {
        let params = Self::params();
        let era = CurrentEra::get();
        let validators = T::ValidatorSet::validators();
        let slot = T::CurrentSlot::current_slot();
        let last = LastSlot::get();
        let mut writes = 0u64;
        let n = validators.len() as u64;
        if n > 0 && last.is_none_or(|last| slot > last) {
            let mut changes: BTreeMap<usize, Performance> = BTreeMap::new();
            // Skipped slots: `first..slot`, counted per author in O(n) however long the
            // gap (a chain that stalled for a day is judged in one step).
            let first = last.map_or(slot, |l| l.saturating_add(1));
            let gap = slot.saturating_sub(first);
            if gap > 0 {
                let rounds = gap / n;
                let rest = gap % n;
                for i in 0..n {
                    // Slots s in [first, first + gap) with s % n == i.
                    let offset = (i + n - first % n) % n;
                    let count = rounds + u64::from(offset < rest);
                    if count > 0 {
                        let p = changes.entry(i as usize).or_default();
                        p.assigned = p.assigned.saturating_add(count as u32);
                    }
                }
            }
            let author = (slot % n) as usize;
            let p = changes.entry(author).or_default();
            p.assigned = p.assigned.saturating_add(1);
            p.authored = p.authored.saturating_add(1);
            for (i, delta) in changes {
                ErasPerformance::mutate(&era, &validators[i], |p| {
                    p.assigned = p.assigned.saturating_add(delta.assigned);
                    p.authored = p.authored.saturating_add(delta.authored);
                });
                writes += 1;
            }
            LastSlot::put(&slot);
            writes += 1;
        }
        // The block's reward: the validators' share accrues (minted when paid), the
        // compute share is minted into its pot now.
        let to_validators = params.validator_reward_share.mul_floor(params.block_reward);
        let to_compute = params.block_reward.saturating_sub(to_validators);
        EraRewardPot::mutate(|p| *p = p.saturating_add(to_validators));
        let minted = T::Currency::deposit(&T::COMPUTE_POT_ACCOUNT, to_compute);
        if minted < to_compute {
            // The pot account cannot be created with less than the existential deposit:
            // keep the amount for the validators rather than lose it.
            EraRewardPot::mutate(|p| *p = p.saturating_add(to_compute - minted));
        }
        Self::db_weight(4 + n, writes + 3)
    }

    /// Ends era `era`: splits its reward pot by blocks authored and queues the payouts,
    /// then judges uptime (jails, queues slashes). Bounded by the active set's size.
    pub(crate) fn end_era(era: EraIndex) {
        let params = Self::params();
        let set = ActiveSet::get();
        let validators = T::ValidatorSet::validators();
        // The era's performers: the session's validators (they were assigned the slots),
        // normally the elected set.
        let mut performers: Vec<AccountId32> = validators.clone();
        for v in &set {
            if !performers.contains(v) {
                performers.push(*v);
            }
        }
        let performance: Vec<(AccountId32, Performance)> =
            performers.iter().map(|v| (*v, ErasPerformance::get(&era, v))).collect();
        let blocks: u32 = performance.iter().map(|(_, p)| p.authored).fold(0, u32::saturating_add);
        let pot = EraRewardPot::take();
        let mut allotted: Balance = 0;
        if blocks > 0 {
            for (v, p) in &performance {
                let reward = mul_div_floor(pot, u128::from(p.authored), u128::from(blocks));
                if reward == 0 {
                    continue;
                }
                let Some(record) = Validators::get(v) else {
                    // Not a validator any more (cannot happen while it is in the set):
                    // its part is carried to the next era.
                    continue;
                };
                allotted = allotted.saturating_add(reward);
                let commission = record.commission.mul_floor(reward);
                Self::queue_job(Job {
                    era,
                    validator: *v,
                    kind: JobKind::Payout {
                        reward,
                        to_share: reward.saturating_sub(commission),
                        total: record.total(),
                        paid: 0,
                        recipients: 0,
                    },
                    stage: Stage::SelfStake,
                });
            }
        }
        EraRewardPot::put(&pot.saturating_sub(allotted));
        ErasReward::insert(&era, &EraReward { pot, allotted, blocks });

        for (v, p) in performance {
            if p.uptime() >= params.min_uptime {
                continue;
            }
            let Some(mut record) = Validators::get(&v) else { continue };
            if record.tombstoned {
                continue;
            }
            Self::deposit_event(Event::Offline { validator: v, era, performance: p });
            record.offences = record.offences.saturating_add(1);
            let index = (record.offences.min(3) - 1) as usize;
            let fraction = params.offline_slashes[index];
            Self::jail(&v, &mut record, era, &params);
            if record.offences >= 3 {
                Self::tombstone(&v, &mut record);
            }
            Validators::insert(&v, &record);
            Self::queue_job(Job {
                era,
                validator: v,
                kind: JobKind::Slash { fraction, reporter: None, slashed: 0 },
                stage: Stage::SelfStake,
            });
        }
    }

    fn jail(v: &AccountId32, record: &mut Validator, era: EraIndex, params: &crate::StakingParams) {
        let until = era.saturating_add(1).saturating_add(params.jail_eras);
        record.jailed_until = Some(record.jailed_until.map_or(until, |u| u.max(until)));
        Self::deposit_event(Event::Jailed { validator: *v, until });
    }

    fn tombstone(v: &AccountId32, record: &mut Validator) {
        record.tombstoned = true;
        Tombstoned::insert(v, &());
        Self::deposit_event(Event::Tombstoned { validator: *v });
    }

    /// Punishes a proven equivocation of `offender` (two blocks in one slot, or two
    /// conflicting finality votes) committed in `era`: jails it and queues a slash of
    /// `equivocation_slash`, `reporter_share` of which goes to `reporter`. The caller
    /// has verified the proof. Returns `NotValidator` for an unknown offender.
    pub fn slash_equivocation(
        offender: &AccountId32,
        era: EraIndex,
        reporter: Option<AccountId32>,
    ) -> DispatchResult {
        let params = Self::params();
        let mut record = Validators::get(offender).ok_or(Self::error(Error::NotValidator))?;
        Self::deposit_event(Event::EquivocationReported { offender: *offender, reporter });
        if record.tombstoned {
            return Ok(());
        }
        Self::jail(offender, &mut record, CurrentEra::get(), &params);
        Validators::insert(offender, &record);
        Self::queue_job(Job {
            era,
            validator: *offender,
            kind: JobKind::Slash { fraction: params.equivocation_slash, reporter, slashed: 0 },
            stage: Stage::SelfStake,
        });
        Ok(())
    }

    /// The offender of a valid proof not yet punished in the proof's set, and the
    /// current era (the era the slash is for).
    pub fn check_report(proof: &EquivocationProof) -> Result<(AccountId32, EraIndex), Error> {
        if !proof.signatures_hold() {
            return Err(Error::InvalidEquivocationProof);
        }
        let key = proof.identity();
        let offender = <T::GrandpaKeyOwner as crate::GrandpaKeyOwner>::owner(proof.set_id, &key)
            .ok_or(Error::InvalidEquivocationProof)?;
        if EquivocationsReported::contains_key(&proof.set_id, &offender) {
            return Err(Error::EquivocationAlreadyReported);
        }
        Ok((offender, CurrentEra::get()))
    }

    /// The validator that sealed both headers of a valid proof, not yet punished for a
    /// block equivocation in this era, and the current era. The slot must be one of the
    /// current era's (after [`EraStartSlot`], at most the last block's) so that its
    /// author is the current set's `Aura.Authorities[slot % n]`.
    pub fn check_block_report(
        proof: &BlockEquivocationProof,
    ) -> Result<(AccountId32, EraIndex), Error> {
        let since = EraStartSlot::get().unwrap_or(0);
        let last = LastSlot::get().unwrap_or(0);
        if proof.slot <= since || proof.slot > last {
            return Err(Error::InvalidEquivocationProof);
        }
        let authorities = <T::AuraAuthorities as crate::AuraAuthorities>::authorities();
        let validators = T::ValidatorSet::validators();
        if authorities.is_empty() || authorities.len() != validators.len() {
            return Err(Error::InvalidEquivocationProof);
        }
        let index = (proof.slot % authorities.len() as u64) as usize;
        if authorities[index] != proof.offender || !proof.seals_hold() {
            return Err(Error::InvalidEquivocationProof);
        }
        let (offender, era) = (validators[index], CurrentEra::get());
        if BlockEquivocationsReported::contains_key(&era, &offender) {
            return Err(Error::EquivocationAlreadyReported);
        }
        Ok((offender, era))
    }

    /// Whether the pool may take an unsigned staking call: only `report_equivocation`
    /// and `report_block_equivocation` with a valid proof against a validator not yet
    /// punished for that kind of offence in that set (or era). Reports of one offence
    /// provide the same tag, so the pool keeps one.
    pub fn validate_unsigned(call: &crate::Call) -> TransactionValidity {
        let checked = match call {
            crate::Call::report_equivocation { proof, .. } => Self::check_report(proof)
                .map(|(offender, _)| (b"StakingEquivocation", proof.set_id, offender).encode()),
            crate::Call::report_block_equivocation { proof, .. } => Self::check_block_report(proof)
                .map(|(offender, era)| {
                    (b"StakingBlockEquivocation", u64::from(era), offender).encode()
                }),
            _ => return Err(UnknownTransaction::NoUnsignedValidator.into()),
        };
        match checked {
            Ok(tag) => Ok(ValidTransaction {
                priority: u64::MAX,
                requires: Vec::new(),
                provides: vec![tag],
                longevity: 64,
                propagate: true,
            }),
            Err(Error::EquivocationAlreadyReported) => Err(InvalidTransaction::Stale.into()),
            Err(_) => Err(InvalidTransaction::BadProof.into()),
        }
    }

    fn queue_job(job: Job) {
        let (first, end) = JobsRange::get();
        PendingJobs::mutate(&job.validator, |n| *n = n.saturating_add(1));
        Jobs::insert(&end, &job);
        JobsRange::put(&(first, end.wrapping_add(1)));
    }

    /// Runs queued jobs for at most `MAX_JOB_STEPS_PER_BLOCK` account updates.
    pub(crate) fn run_jobs() -> Weight {
        let (mut first, end) = JobsRange::get();
        let mut budget = T::MAX_JOB_STEPS_PER_BLOCK;
        let mut steps = 0u64;
        while first != end && budget > 0 {
            let Some(mut job) = Jobs::get(&first) else {
                first = first.wrapping_add(1);
                continue;
            };
            let done = Self::step_job(&mut job, &mut budget, &mut steps);
            if done {
                Jobs::remove(&first);
                PendingJobs::mutate(&job.validator, |n| *n = n.saturating_sub(1));
                if PendingJobs::get(&job.validator) == 0 {
                    PendingJobs::remove(&job.validator);
                }
                first = first.wrapping_add(1);
            } else {
                Jobs::insert(&first, &job);
            }
        }
        JobsRange::put(&(first, end));
        Self::db_weight(2 + 3 * steps, 2 + 3 * steps)
    }

    /// Advances `job` by up to `budget` account updates; returns whether it finished.
    fn step_job(job: &mut Job, budget: &mut u32, steps: &mut u64) -> bool {
        let validator = job.validator;
        loop {
            if *budget == 0 {
                return false;
            }
            match job.stage.clone() {
                Stage::SelfStake => {
                    *budget -= 1;
                    *steps += 1;
                    if let Some(mut v) = Validators::get(&validator) {
                        let self_stake = v.self_stake;
                        match &mut job.kind {
                            JobKind::Payout { reward, to_share, total, paid, recipients } => {
                                let commission = reward.saturating_sub(*to_share);
                                let share = mul_div_floor(*to_share, self_stake, *total);
                                let amount = commission.saturating_add(share);
                                *paid = paid.saturating_add(Self::pay(&validator, job.era, amount));
                                *recipients += 1;
                            }
                            JobKind::Slash { fraction, slashed, .. } => {
                                let cut = fraction.mul_floor(self_stake);
                                let burned = Self::burn(&validator, cut);
                                v.self_stake = v.self_stake.saturating_sub(burned);
                                *slashed = slashed.saturating_add(burned);
                                Validators::insert(&validator, &v);
                            }
                        }
                    }
                    job.stage = Stage::Delegations(None);
                }
                Stage::Delegations(after) => {
                    let next = Delegations::iter_prefix_after(&validator, after.as_ref()).next();
                    let Some((delegator, amount)) = next else {
                        job.stage = match job.kind {
                            JobKind::Slash { .. } => Stage::Unbonding(None),
                            JobKind::Payout { .. } => {
                                Self::finish_job(job);
                                return true;
                            }
                        };
                        continue;
                    };
                    *budget -= 1;
                    *steps += 1;
                    match &mut job.kind {
                        JobKind::Payout { to_share, total, paid, recipients, .. } => {
                            let share = mul_div_floor(*to_share, amount, *total);
                            *paid = paid.saturating_add(Self::pay(&delegator, job.era, share));
                            *recipients += 1;
                        }
                        JobKind::Slash { fraction, slashed, .. } => {
                            let cut = fraction.mul_floor(amount);
                            let burned = Self::slash_delegation(&validator, &delegator, cut);
                            *slashed = slashed.saturating_add(burned);
                        }
                    }
                    job.stage = Stage::Delegations(Some(delegator));
                }
                Stage::Unbonding(after) => {
                    let next = UnbondingFrom::iter_prefix_after(&validator, after.as_ref()).next();
                    let Some((who, ())) = next else {
                        job.stage = Stage::Redelegated(None);
                        continue;
                    };
                    *budget -= 1;
                    *steps += 1;
                    if let JobKind::Slash { fraction, slashed, .. } = &mut job.kind {
                        let mut chunks = Unbonding::get(&who);
                        for chunk in chunks
                            .iter_mut()
                            .filter(|c| c.validator == validator && c.era >= job.era)
                        {
                            let burned = Self::burn(&who, fraction.mul_floor(chunk.amount));
                            chunk.amount = chunk.amount.saturating_sub(burned);
                            *slashed = slashed.saturating_add(burned);
                        }
                        chunks.retain(|c| c.amount > 0);
                        Self::store_chunks(&who, chunks);
                    }
                    job.stage = Stage::Unbonding(Some(who));
                }
                Stage::Redelegated(after) => {
                    let key = (job.era, validator);
                    let next = Redelegations::iter_prefix_after(&key, after.as_ref()).next();
                    let Some((who, mut moves)) = next else {
                        Self::finish_job(job);
                        return true;
                    };
                    let updates = (moves.len() as u32).max(1);
                    *budget = budget.saturating_sub(updates);
                    *steps += u64::from(updates);
                    if let JobKind::Slash { fraction, slashed, .. } = &mut job.kind {
                        for (to, moved) in moves.iter_mut() {
                            let cut = fraction.mul_floor(*moved);
                            let burned = Self::slash_delegation(to, &who, cut);
                            *moved = moved.saturating_sub(burned);
                            *slashed = slashed.saturating_add(burned);
                        }
                        moves.retain(|(_, moved)| *moved > 0);
                        Self::store_moves(&key, &who, moves);
                    }
                    job.stage = Stage::Redelegated(Some(who));
                }
            }
        }
    }

    /// Stores `who`'s [`Redelegations`] record under `key` (era, source), removing it
    /// when nothing is left in it.
    pub(crate) fn store_moves(
        key: &(EraIndex, AccountId32),
        who: &AccountId32,
        moves: Vec<(AccountId32, Balance)>,
    ) {
        if moves.is_empty() {
            Redelegations::remove(key, who);
        } else {
            Redelegations::insert(key, who, &moves);
        }
    }

    /// Burns up to `cut` of `delegator`'s delegation to `validator` (what is left of it)
    /// and updates the validator's record; returns what was burned.
    fn slash_delegation(validator: &AccountId32, delegator: &AccountId32, cut: Balance) -> Balance {
        let Some(amount) = Delegations::get(validator, delegator) else { return 0 };
        let burned = Self::burn(delegator, cut.min(amount));
        let rest = amount.saturating_sub(burned);
        if let Some(mut v) = Validators::get(validator) {
            v.delegated = v.delegated.saturating_sub(burned);
            if rest == 0 {
                v.delegators = v.delegators.saturating_sub(1);
            }
            Validators::insert(validator, &v);
        }
        if rest == 0 {
            Delegations::remove(validator, delegator);
            DelegatorTargets::mutate(delegator, |t| t.retain(|x| x != validator));
        } else {
            Delegations::insert(validator, delegator, &rest);
        }
        burned
    }

    /// The end of a job: the leftover of a payout to the validator, the reporter's part
    /// of a slash, and the event.
    fn finish_job(job: &mut Job) {
        let validator = job.validator;
        match &mut job.kind {
            JobKind::Payout { reward, paid, recipients, .. } => {
                let leftover = reward.saturating_sub(*paid);
                if leftover > 0 {
                    let got = Self::pay(&validator, job.era, leftover);
                    *paid = paid.saturating_add(got);
                }
                // What could not be paid (an account gone) goes back to the pot.
                let unpaid = reward.saturating_sub(*paid);
                EraRewardPot::mutate(|p| *p = p.saturating_add(unpaid));
                Self::deposit_event(Event::EraPaid {
                    validator,
                    era: job.era,
                    amount: *paid,
                    recipients: *recipients,
                });
            }
            JobKind::Slash { fraction, reporter, slashed } => {
                let params = Self::params();
                if let Some(reporter) = reporter {
                    let part = params.reporter_share.mul_floor(*slashed);
                    let got = T::Currency::deposit(reporter, part);
                    if got > 0 {
                        TotalRewarded::mutate(|r| *r = r.saturating_add(got));
                        Self::deposit_event(Event::ReporterPaid {
                            reporter: *reporter,
                            amount: got,
                        });
                    }
                }
                if let Some(mut v) = Validators::get(&validator) {
                    if v.self_stake == 0 && v.delegators == 0 {
                        v.status = ValidatorStatus::Left;
                    }
                    Self::store_validator(&validator, v);
                }
                Self::deposit_event(Event::Slashed {
                    validator,
                    era: job.era,
                    fraction: *fraction,
                    amount: *slashed,
                });
            }
        }
    }

    /// Mints `amount` to `who` as its reward for `era`; returns what was minted.
    fn pay(who: &AccountId32, era: EraIndex, amount: Balance) -> Balance {
        if amount == 0 {
            return 0;
        }
        let got = T::Currency::deposit(who, amount);
        if got > 0 {
            Rewards::mutate(&era, who, |r| *r = r.saturating_add(got));
            TotalRewarded::mutate(|r| *r = r.saturating_add(got));
        }
        got
    }

    /// Burns up to `amount` of `who`'s reserved (staked) funds; returns what was burned.
    fn burn(who: &AccountId32, amount: Balance) -> Balance {
        if amount == 0 {
            return 0;
        }
        let burned = amount.saturating_sub(T::Currency::slash_reserved(who, amount));
        TotalSlashed::mutate(|s| *s = s.saturating_add(burned));
        burned
    }

    /// Stores `who`'s chunks and keeps [`UnbondingFrom`] in step with them.
    fn store_chunks(who: &AccountId32, chunks: Vec<crate::UnbondChunk>) {
        let before: Vec<AccountId32> = Unbonding::get(who).iter().map(|c| c.validator).collect();
        for v in before {
            if !chunks.iter().any(|c| c.validator == v) {
                UnbondingFrom::remove(&v, who);
            }
        }
        if chunks.is_empty() {
            Unbonding::remove(who);
        } else {
            Unbonding::insert(who, &chunks);
        }
    }

    /// Returns matured unbonding to its owners, at most `MAX_RELEASES_PER_BLOCK`
    /// accounts (or empty queue entries) a block; a backlog is worked off in later
    /// blocks.
    pub(crate) fn release_unbonded(now: BlockNumber) -> Weight {
        let mut cursor = NextRelease::get().max(1);
        let mut budget = T::MAX_RELEASES_PER_BLOCK;
        let mut steps = 0u64;
        while cursor <= now && budget > 0 {
            let mut queue = ReleaseQueue::get(&cursor);
            budget -= 1;
            steps += 1;
            while let Some(who) = queue.pop() {
                let chunks = Unbonding::get(&who);
                let (ready, rest): (Vec<_>, Vec<_>) =
                    chunks.into_iter().partition(|c| c.unlock_at <= now);
                let amount: Balance =
                    ready.iter().map(|c| c.amount).fold(0, Balance::saturating_add);
                // Validators still named by a chunk in `rest` keep their index entry.
                Self::store_chunks(&who, rest);
                if amount > 0 {
                    let left = T::Currency::unreserve(&who, amount);
                    if left > 0 {
                        log!(
                            Error,
                            LOG_TARGET,
                            "{:?}: {} of unbonded stake was not reserved",
                            who,
                            left
                        );
                    }
                    Self::deposit_event(Event::Withdrawn { who, amount: amount - left });
                }
                if budget == 0 {
                    break;
                }
                budget -= 1;
                steps += 1;
            }
            if queue.is_empty() {
                ReleaseQueue::remove(&cursor);
                cursor += 1;
            } else {
                ReleaseQueue::insert(&cursor, &queue);
            }
        }
        NextRelease::put(&cursor);
        Self::db_weight(1 + 3 * steps, 1 + 3 * steps)
    }

    /// Removes the history of eras older than `HISTORY_DEPTH`, a bounded number of
    /// entries a block.
    pub(crate) fn prune_history() -> Weight {
        let era = CurrentEra::get();
        let oldest = OldestHistoryEra::get();
        if era.saturating_sub(oldest) <= T::HISTORY_DEPTH {
            return Self::db_weight(2, 0);
        }
        let limit = T::MAX_JOB_STEPS_PER_BLOCK;
        let rewards = Rewards::clear_prefix(&oldest, Some(limit));
        let performance = ErasPerformance::clear_prefix(&oldest, Some(limit));
        // Reports of an old era's slots are refused anyway; the record goes with the
        // era's history.
        let reports = BlockEquivocationsReported::clear_prefix(&oldest, Some(limit));
        let (moves_complete, moves_removed) = Self::prune_redelegations(oldest, limit);
        if rewards.complete && performance.complete && reports.complete && moves_complete {
            ErasReward::remove(&oldest);
            OldestHistoryEra::put(&oldest.saturating_add(1));
        }
        let removed = u64::from(rewards.removed)
            + u64::from(performance.removed)
            + u64::from(reports.removed)
            + u64::from(moves_removed);
        Self::db_weight(2 + removed, 2 + removed)
    }

    /// Removes the double-vote records of the oldest authority set before the current
    /// one (reports of it are refused now), at most `MAX_JOB_STEPS_PER_BLOCK` entries a
    /// block.
    pub(crate) fn prune_vote_reports() -> Weight {
        let current = <T::GrandpaKeyOwner as crate::GrandpaKeyOwner>::current_set_id();
        let oldest = OldestReportedSet::get();
        if oldest >= current {
            return Self::db_weight(1, 0);
        }
        let out = EquivocationsReported::clear_prefix(&oldest, Some(T::MAX_JOB_STEPS_PER_BLOCK));
        if out.complete {
            OldestReportedSet::put(&oldest.saturating_add(1));
        }
        let removed = u64::from(out.removed);
        Self::db_weight(1 + removed, 1 + removed)
    }

    /// Removes up to `limit` [`Redelegations`] records of `era`; returns whether none is
    /// left, and how many were removed.
    fn prune_redelegations(era: EraIndex, limit: u32) -> (bool, u32) {
        let mut sources = RedelegatedFrom::get(&era);
        let mut removed = 0u32;
        while let Some(from) = sources.last().copied() {
            if removed >= limit {
                break;
            }
            let out = Redelegations::clear_prefix(&(era, from), Some(limit - removed));
            removed = removed.saturating_add(out.removed);
            if !out.complete {
                break;
            }
            sources.pop();
        }
        if sources.is_empty() {
            RedelegatedFrom::remove(&era);
        } else {
            RedelegatedFrom::insert(&era, &sources);
        }
        (sources.is_empty(), removed)
    }

    /// Elects the next era's validators: the top `max_validators` candidates by total
    /// stake (ties by account id), then ordered by account id. Empty when there is no
    /// candidate.
    pub fn elect() -> Vec<AccountId32> {
        let params = Self::params();
        let mut candidates: Vec<(Balance, AccountId32)> = Validators::iter()
            .filter(|(who, v)| {
                v.status == ValidatorStatus::Active
                    && !v.is_jailed()
                    && !v.tombstoned
                    && v.self_stake >= params.min_validator_stake
                    && T::ValidatorSet::has_keys(who)
            })
            .map(|(who, v)| (v.total(), who))
            .collect();
        candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        candidates.truncate(params.max_validators as usize);
        let mut elected: Vec<AccountId32> = candidates.into_iter().map(|(_, who)| who).collect();
        elected.sort();
        elected
    }

    // ---- queries ----------------------------------------------------------------------

    /// Every registered validator with its stake, commission, metadata, status and
    /// performance in the current and the last ended era, by account id. Bounded by
    /// [`Config::MAX_CANDIDATES`].
    pub fn validators_info() -> Vec<ValidatorInfo> {
        let era = CurrentEra::get();
        let active = ActiveSet::get();
        let previous = era.checked_sub(1).filter(|e| *e >= OldestHistoryEra::get());
        let performance = |era: EraIndex, who: &AccountId32| {
            let p = ErasPerformance::get(&era, who);
            EraPerformance {
                era,
                assigned: p.assigned,
                authored: p.authored,
                missed: p.missed(),
                uptime: p.uptime().0,
            }
        };
        let mut list: Vec<ValidatorInfo> = Validators::iter()
            .map(|(who, v)| ValidatorInfo {
                elected: active.contains(&who),
                current: performance(era, &who),
                previous: previous.map(|e| performance(e, &who)),
                self_stake: v.self_stake,
                delegated: v.delegated,
                delegators: v.delegators,
                commission: v.commission.0,
                name: v.metadata.name,
                website: v.metadata.website,
                description: v.metadata.description,
                status: v.status,
                jailed_until: v.jailed_until,
                offences: v.offences,
                tombstoned: v.tombstoned,
                account: who,
            })
            .collect();
        list.sort_by_key(|v| v.account);
        list
    }

    /// The unbonding chunks of `who`, oldest first.
    pub fn unbonding_of(who: &AccountId32) -> Vec<UnbondingInfo> {
        Unbonding::get(who)
            .into_iter()
            .map(|c| UnbondingInfo {
                validator: c.validator,
                amount: c.amount,
                era: c.era,
                unlock_at: c.unlock_at,
            })
            .collect()
    }

    /// The delegations of `who`: each validator and amount.
    pub fn delegations_of(who: &AccountId32) -> Vec<(AccountId32, Balance)> {
        DelegatorTargets::get(who)
            .into_iter()
            .filter_map(|v| Delegations::get(&v, who).map(|amount| (v, amount)))
            .collect()
    }

    /// What `who` was paid in each era of the kept history, oldest first (eras with
    /// nothing paid left out).
    pub fn rewards_of(who: &AccountId32) -> Vec<(EraIndex, Balance)> {
        let era = CurrentEra::get();
        (OldestHistoryEra::get()..=era)
            .filter_map(|e| Some((e, Rewards::get(&e, who))).filter(|(_, r)| *r > 0))
            .collect()
    }

    /// Checks the pallet's invariants:
    ///
    /// 1. every validator's `delegated` and `delegators` are the sum and count of its
    ///    delegations, and no delegation is zero;
    /// 2. every delegator's targets are exactly the validators it has a delegation to,
    ///    at most `max_delegations_per_delegator` (slashes never add any);
    /// 3. every account's reserved balance covers its self-stake, its delegations and
    ///    its unbonding chunks;
    /// 4. the active set holds at most `max_validators`;
    /// 5. every unbonding chunk is non-zero, indexed in [`UnbondingFrom`] and queued
    ///    for release at its block (or the release cursor has not passed it), at most
    ///    `MAX_UNBONDING_CHUNKS` per account;
    /// 6. the queued jobs and the per-validator counts agree;
    /// 7. the validator count is at most `MAX_CANDIDATES`.
    pub fn do_try_state() -> Result<(), &'static str> {
        let params = Self::params();
        let mut staked: BTreeMap<AccountId32, Balance> = BTreeMap::new();
        let mut targets: BTreeMap<AccountId32, Vec<AccountId32>> = BTreeMap::new();
        let mut validators = 0u32;
        for (who, v) in Validators::iter() {
            validators += 1;
            let mut sum: Balance = 0;
            let mut count = 0u32;
            for (delegator, amount) in Delegations::iter_prefix(&who) {
                if amount == 0 {
                    return Err("Staking: a zero delegation is stored");
                }
                sum = sum.saturating_add(amount);
                count += 1;
                *staked.entry(delegator).or_default() += amount;
                targets.entry(delegator).or_default().push(who);
            }
            if sum != v.delegated || count != v.delegators {
                return Err("Staking: a validator's delegation total or count is wrong");
            }
            *staked.entry(who).or_default() += v.self_stake;
        }
        if validators != Validators::count() || validators > T::MAX_CANDIDATES {
            return Err("Staking: the validator count is wrong or too large");
        }
        for (delegator, stored) in DelegatorTargets::iter() {
            let mut stored = stored;
            stored.sort();
            let mut actual = targets.remove(&delegator).unwrap_or_default();
            actual.sort();
            if stored != actual {
                return Err("Staking: a delegator's targets differ from its delegations");
            }
        }
        if !targets.is_empty() {
            return Err("Staking: a delegation is missing from its delegator's targets");
        }
        let cursor = NextRelease::get();
        for (who, chunks) in Unbonding::iter() {
            if chunks.is_empty() || chunks.len() > T::MAX_UNBONDING_CHUNKS as usize {
                return Err("Staking: an account has an empty or oversized chunk list");
            }
            for c in &chunks {
                if c.amount == 0 {
                    return Err("Staking: a zero unbonding chunk is stored");
                }
                if !UnbondingFrom::contains_key(&c.validator, &who) {
                    return Err("Staking: an unbonding chunk is not indexed");
                }
                if c.unlock_at >= cursor && !ReleaseQueue::get(&c.unlock_at).contains(&who) {
                    return Err("Staking: an unbonding chunk is not queued for release");
                }
                *staked.entry(who).or_default() += c.amount;
            }
        }
        for (who, amount) in staked {
            if T::Currency::reserved_balance(&who) < amount {
                return Err("Staking: an account's reserved balance does not cover its stake");
            }
        }
        // A validator may leave (unstake, or a slash to nothing) during its era; it stays
        // in the active set until the next election.
        if ActiveSet::get().len() > params.max_validators as usize {
            return Err("Staking: the active set is larger than max_validators");
        }
        let (first, end) = JobsRange::get();
        let mut per_validator: BTreeMap<AccountId32, u32> = BTreeMap::new();
        let mut i = first;
        while i != end {
            let job = Jobs::get(&i).ok_or("Staking: a queued job is missing")?;
            *per_validator.entry(job.validator).or_default() += 1;
            i = i.wrapping_add(1);
        }
        let pending: BTreeMap<AccountId32, u32> = PendingJobs::iter().collect();
        if pending != per_validator {
            return Err("Staking: the pending job counts differ from the queue");
        }
        Ok(())
    }
}

impl<T: Config> SessionManager for Pallet<T> {
    fn end_session(ending: SessionIndex) {
        Self::end_era(ending);
    }

    fn new_session(new: SessionIndex) -> Option<Vec<AccountId32>> {
        CurrentEra::put(&new);
        if let Some(slot) = LastSlot::get() {
            EraStartSlot::put(&slot);
        }
        let elected = Self::elect();
        let kept = elected.is_empty();
        if !kept {
            ActiveSet::put(&elected);
        } else {
            log!(Warn, LOG_TARGET, "era {}: no candidate can be elected; keeping the set", new);
        }
        let count = ActiveSet::get().len() as u32;
        Self::deposit_event(Event::NewEra { era: new, validators: count });
        (!kept).then_some(elected)
    }
}
