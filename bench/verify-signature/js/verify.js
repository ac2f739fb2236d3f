// sigstore-js 4.1 verifying one Sigstore bundle, as bench.sh's peer: the same bundle, artifact,
// trusted root and identity relgate's verify-signature gets, one whole process per verification.
// Usage: node verify.js BUNDLE TRUSTED_ROOT ARTIFACT IDENTITY ISSUER   (exit 0 = verified)
'use strict';
const fs = require('fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { TrustedRoot } = require('@sigstore/protobuf-specs');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

const [bundlePath, rootPath, artifactPath, identity, issuer] = process.argv.slice(2);
if (!issuer) {
  console.error('usage: node verify.js BUNDLE TRUSTED_ROOT ARTIFACT IDENTITY ISSUER');
  process.exit(2);
}
const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
const trustMaterial = toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath, 'utf8'))));
const verifier = new Verifier(trustMaterial, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
try {
  verifier.verify(toSignedEntity(bundle, fs.readFileSync(artifactPath)), {
    subjectAlternativeName: identity,
    extensions: { issuer },
  });
} catch (error) {
  console.error(`sigstore-js: ${error.message}`);
  process.exit(1);
}
console.log('sigstore-js: verified');
