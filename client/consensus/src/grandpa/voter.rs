//! The voter's loop over authority sets and its global (commit and catch-up) streams.

use super::*;

/// Runs the voter of the current authority set until it fails; a failed voter restarts
/// from the finalized block after a pause, and a finalized block that names another
/// authority set ends the voter and starts the next set's. Never returns unless the chain
/// cannot answer.
pub async fn run_grandpa(params: GrandpaParams) -> Result<()> {
    loop {
        // Subscribed before the finalized block is read, so no finality is missed.
        let finality = params.client.finality_notification_stream();
        let imports = params.client.import_notification_stream();
        let info = params.client.info();
        let (authorities, set_id) = authority_set(&params.client, &info.finalized_hash)?;
        let Some(voters) = VoterSet::new(authorities.iter().cloned()) else {
            tracing::warn!(target: "grandpa", "no GRANDPA authorities; finality is off");
            futures::future::pending::<()>().await;
            return Ok(());
        };
        let local_id = match &params.keystore {
            Some(keystore) => {
                let keys = keystore.public_keys(KeyScheme::Ed25519, GRANDPA_KEY_TYPE)?;
                authorities.iter().map(|(id, _)| *id).find(|id| keys.contains(id))
            }
            None => None,
        };
        let last_round = params.state_file.as_deref().map_or(0, |p| read_last_round(p, set_id));
        tracing::info!(
            target: "grandpa",
            "👴 GRANDPA voter of set {set_id} ({} voters) starts at round {} from #{}{}",
            authorities.len(),
            last_round + 1,
            info.finalized_number,
            if local_id.is_some() { ", voting" } else { ", observing" },
        );
        params.network.start_set(set_id, &authorities);
        let env = Arc::new(GrandpaEnvironment(Arc::new(EnvInner {
            client: params.client.clone(),
            keystore: params.keystore.clone(),
            network: params.network.clone(),
            local_id,
            set_id,
            voters: Arc::new(voters.clone()),
            gossip_duration: params.gossip_duration,
            state_file: params.state_file.clone(),
            sleep: params.sleep.clone(),
            report: params.report.clone(),
            equivocations: params.equivocations.clone(),
        })));
        let base = (info.finalized_hash, info.finalized_number);
        let global_in = GlobalIn {
            client: params.client.clone(),
            messages: params.network.global_messages(set_id),
            imports,
            waiting: Vec::new(),
            ready: VecDeque::new(),
        };
        let global_out = CommitOut { network: params.network.clone(), set_id };
        let voter = Voter::new(
            env,
            voters,
            (Box::pin(global_in), Box::pin(global_out)),
            last_round,
            Vec::new(),
            base,
            base,
        );
        let set_changed = set_changed(params.client.clone(), finality, set_id);
        match futures::future::select(Box::pin(voter), Box::pin(set_changed)).await {
            futures::future::Either::Left((Ok(()), _)) => return Ok(()),
            futures::future::Either::Left((Err(e), _)) => {
                tracing::warn!(target: "grandpa", "GRANDPA voter stopped: {e}; restarting");
                (params.sleep)(Duration::from_secs(1)).await;
            }
            futures::future::Either::Right(((), _)) => {
                tracing::info!(target: "grandpa", "👴 authority set {set_id} ended");
            }
        }
    }
}

/// Resolves when a finalized block names a set other than `set_id` (or the finality
/// stream ends, which restarts the voter from the finalized block).
async fn set_changed(
    client: Arc<Client>,
    mut finality: futures::channel::mpsc::Receiver<lattice_chain::FinalityNotification>,
    set_id: u64,
) {
    while let Some(n) = finality.next().await {
        match current_set_id(&client, &n.hash) {
            Ok(id) if id != set_id => return,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(target: "grandpa", "cannot read the set id at {:?}: {e}", n.hash)
            }
        }
    }
}

/// Commits waiting for their block to be imported; more push out the lowest.
const MAX_WAITING_COMMITS: usize = 16;

type In = CommunicationIn<H256, BlockNumber, AuthoritySignature, AuthorityId>;

/// The voter's incoming commits and catch-ups: from the network, commits held until the
/// block they finalize is imported.
struct GlobalIn {
    client: Arc<Client>,
    messages: BoxStream<'static, GlobalMessage>,
    imports: futures::channel::mpsc::Receiver<lattice_chain::BlockImportNotification>,
    waiting: Vec<(u64, CompactGrandpaCommit)>,
    ready: VecDeque<In>,
}

impl GlobalIn {
    fn has_block(&self, hash: &H256) -> bool {
        matches!(self.client.header(hash), Ok(Some(_)))
    }

    fn accept(&mut self, message: GlobalMessage) {
        match message {
            GlobalMessage::Commit { round, commit } => {
                if self.has_block(&commit.target_hash) {
                    self.ready.push_back(CommunicationIn::Commit(round, commit, Callback::Blank));
                } else if commit.target_number > self.client.info().finalized_number {
                    self.waiting.push((round, commit));
                    if self.waiting.len() > MAX_WAITING_COMMITS {
                        self.waiting.sort_by_key(|(_, c)| std::cmp::Reverse(c.target_number));
                        self.waiting.truncate(MAX_WAITING_COMMITS);
                    }
                }
            }
            GlobalMessage::CatchUp(catch_up) => {
                self.ready.push_back(CommunicationIn::CatchUp(catch_up, Callback::Blank));
            }
        }
    }

    fn release(&mut self) {
        let finalized = self.client.info().finalized_number;
        for (round, commit) in std::mem::take(&mut self.waiting) {
            if self.has_block(&commit.target_hash) {
                self.ready.push_back(CommunicationIn::Commit(round, commit, Callback::Blank));
            } else if commit.target_number > finalized {
                self.waiting.push((round, commit));
            }
        }
    }
}

impl futures::Stream for GlobalIn {
    type Item = Result<In>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.ready.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if let Poll::Ready(Some(message)) = this.messages.poll_next_unpin(cx) {
                this.accept(message);
                continue;
            }
            match this.imports.poll_next_unpin(cx) {
                Poll::Ready(Some(_)) => this.release(),
                // The network's stream or the import stream ended: nothing more comes.
                Poll::Ready(None) | Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// The voter's outgoing commits, handed to the network.
struct CommitOut {
    network: Arc<dyn GrandpaNetwork>,
    set_id: u64,
}

impl Sink<CommunicationOut<H256, BlockNumber, AuthoritySignature, AuthorityId>> for CommitOut {
    type Error = Error;

    fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn start_send(
        self: Pin<&mut Self>,
        item: CommunicationOut<H256, BlockNumber, AuthoritySignature, AuthorityId>,
    ) -> Result<()> {
        match item {
            CommunicationOut::Commit(round, commit) => {
                self.network.broadcast_commit(self.set_id, round, commit)
            }
        }
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<()>> {
        Poll::Ready(Ok(()))
    }
}
