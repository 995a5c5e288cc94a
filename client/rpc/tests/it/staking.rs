//! `staking_*`: the staking read interface over the dev chain (Alice validates).

use crate::harness::*;
use lattice_chain::test_utils::sign;
use lattice_runtime::genesis::DEV_VALIDATOR_STAKE;
use lattice_runtime::RuntimeCall;
use serde_json::json;

const LAT: u128 = 1_000_000_000_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staking_methods_report_validators_and_an_accounts_stake() {
    let node = node().await;
    let http = node.http();
    let (alice, bob) = (pair("//Alice"), pair("//Bob"));

    let list = call(&http, "staking_validators", vec![]).await.unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    let v = &list[0];
    assert_eq!(v["account"], json!(ss58(&alice)));
    assert_eq!(v["selfStake"], json!(DEV_VALIDATOR_STAKE.to_string()));
    assert_eq!(v["totalStake"], json!(DEV_VALIDATOR_STAKE.to_string()));
    assert_eq!(
        (&v["status"], &v["elected"], &v["commission"]),
        (&json!("active"), &json!(true), &json!(0))
    );
    assert_eq!(v["jailedUntil"], json!(null));
    assert_eq!(v["performance"]["current"]["era"], json!(0));
    assert_eq!(v["performance"]["previous"], json!(null));
    for method in ["staking_delegations", "staking_rewards", "staking_unbonding"] {
        assert_eq!(call(&http, method, vec![json!(ss58(&bob))]).await.unwrap(), json!([]));
    }

    // Bob delegates to Alice, then starts unbonding part of it.
    let delegate = RuntimeCall::Staking(pallet_staking::Call::delegate {
        validator: account(&alice),
        amount: 1_000 * LAT,
    });
    let undelegate = RuntimeCall::Staking(pallet_staking::Call::undelegate {
        validator: account(&alice),
        amount: 300 * LAT,
    });
    let b1 = node.import(vec![sign(&node.client, &bob, delegate, 0)]).await;
    node.import(vec![sign(&node.client, &bob, undelegate, 1)]).await;

    let bob_hex = hex(&account(&bob).0);
    let delegations = call(&http, "staking_delegations", vec![json!(bob_hex)]).await.unwrap();
    assert_eq!(
        delegations,
        json!([{"validator": ss58(&alice), "amount": (700 * LAT).to_string()}])
    );
    // At the first block, before the undelegation.
    let earlier = call(&http, "staking_delegations", vec![json!(ss58(&bob)), json!(hex(&b1.0))])
        .await
        .unwrap();
    assert_eq!(earlier[0]["amount"], json!((1_000 * LAT).to_string()));
    let unbonding = call(&http, "staking_unbonding", vec![json!(ss58(&bob))]).await.unwrap();
    assert_eq!(
        unbonding,
        json!([{
            "validator": ss58(&alice),
            "amount": (300 * LAT).to_string(),
            "era": 0,
            "unlockAt": 2 + lattice_runtime::genesis::DEV_UNBONDING_PERIOD,
        }])
    );
    let list = call(&http, "staking_validators", vec![]).await.unwrap();
    assert_eq!(list[0]["delegated"], json!((700 * LAT).to_string()));
    assert_eq!(list[0]["delegators"], json!(1));
    assert_eq!(list[0]["performance"]["current"]["authored"], json!(2));
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staking_methods_refuse_bad_accounts_and_unknown_blocks() {
    let node = node().await;
    let http = node.http();
    let alice = ss58(&pair("//Alice"));
    for method in ["staking_delegations", "staking_rewards", "staking_unbonding"] {
        for params in [
            vec![],
            vec![json!(7)],
            vec![json!("not an address")],
            vec![json!("0x1234")],
            vec![json!(alice), json!("0x12")],
        ] {
            let (code, message, _) = call(&http, method, params.clone()).await.unwrap_err();
            assert_eq!(code, -32602, "{method} {params:?}: {message}");
        }
        let unknown = hex(&[9u8; 32]);
        let (code, message, _) =
            call(&http, method, vec![json!(alice), json!(unknown)]).await.unwrap_err();
        assert_eq!(code, 1, "{method}: {message}");
        assert!(message.contains("UnknownBlock"), "{message}");
    }
    let (code, _, _) = call(&http, "staking_validators", vec![json!(7)]).await.unwrap_err();
    assert_eq!(code, -32602);
    // The node still answers.
    assert_eq!(
        call(&http, "staking_validators", vec![]).await.unwrap().as_array().unwrap().len(),
        1
    );
    node.stop().await;
}
