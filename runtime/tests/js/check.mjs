// polkadot.js checks of the Lattice runtime, run by `runtime/tests/it/polkadot_js.rs`.
//
// Usage: node check.mjs INPUT.json
//   INPUT: { metadataV14, metadataV15 (hex, `RuntimeMetadataPrefixed`), genesisHash,
//            specVersion, transactionVersion }
// Prints one JSON object:
//   { v14: Summary, v15: Summary, signed: { name: hex extrinsic } }
//   Summary: { version, pallets: { Name: { index, calls, events, errors, constants,
//              storage } }, paths: [type paths], constantsDecoded, signedExtensions }
// Decoding errors throw, so a metadata that polkadot.js cannot read fails the test.

import { readFileSync } from 'node:fs';
import { TypeRegistry, Metadata } from '@polkadot/types';
import { expandMetadata } from '@polkadot/types/metadata';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));

function summarize(hex) {
  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, hex);
  registry.setMetadata(metadata);
  const latest = metadata.asLatest;
  const lookup = latest.lookup;
  const names = (ty) => {
    if (ty.isNone) return [];
    const def = lookup.getSiType(ty.unwrap().type).def;
    return def.isVariant ? def.asVariant.variants.map((v) => v.name.toString()) : [];
  };
  const pallets = {};
  let constantsDecoded = 0;
  for (const p of latest.pallets) {
    const constants = [];
    for (const c of p.constants) {
      // Decoding each constant with its type proves the type and the value agree.
      const typeDef = lookup.getTypeDef(c.type);
      registry.createTypeUnsafe(typeDef.type, [c.value]);
      constants.push(c.name.toString());
      constantsDecoded += 1;
    }
    pallets[p.name.toString()] = {
      index: p.index.toNumber(),
      calls: names(p.calls),
      events: names(p.events),
      errors: names(p.errors),
      constants,
      storage: p.storage.isSome ? p.storage.unwrap().items.map((i) => i.name.toString()) : [],
    };
  }
  const paths = lookup.types.map((t) => t.type.path.map((s) => s.toString()).join('::')).filter((p) => p.length > 0);
  return {
    version: metadata.version,
    pallets,
    paths,
    constantsDecoded,
    signedExtensions: registry.signedExtensions,
    registry,
    metadata,
  };
}

await cryptoWaitReady();
const v14 = summarize(input.metadataV14);
const v15 = summarize(input.metadataV15);

// Offline signing with the client's own signer, as a wallet does.
const { registry, metadata } = v14;
const { tx } = expandMetadata(registry, metadata);
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const alice = keyring.addFromUri('//Alice');
const bob = keyring.addFromUri('//Bob');
const charlie = keyring.addFromUri('//Charlie');
const era = registry.createType('ExtrinsicEra', new Uint8Array([0]));
function sign(call, nonce, tip = 0) {
  const ext = registry.createType('Extrinsic', call, { version: 4 });
  ext.sign(alice, {
    blockHash: input.genesisHash,
    era,
    genesisHash: input.genesisHash,
    nonce,
    runtimeVersion: { specVersion: input.specVersion, transactionVersion: input.transactionVersion },
    signedExtensions: registry.signedExtensions,
    tip,
  });
  return ext.toHex();
}
const unit = 10n ** 12n;
const signed = {
  transferKeepAlive: sign(tx.balances.transferKeepAlive(bob.address, 5n * unit), 0),
  transferAllowDeath: sign(tx.balances.transferAllowDeath({ Id: charlie.address }, 7n * unit), 1, 1000),
  batch: sign(tx.utility.batch([
    tx.balances.transferKeepAlive(bob.address, unit),
    tx.system.remarkWithEvent('0x6c617474696365'),
  ]), 2),
};

const strip = ({ registry: _r, metadata: _m, ...rest }) => rest;
console.log(JSON.stringify({ v14: strip(v14), v15: strip(v15), signed }));
