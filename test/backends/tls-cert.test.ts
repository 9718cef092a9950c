// The self-signed certificate wsbench writes when none is given: valid DER every time. Its serial
// is random; one in about 256 once began with a zero byte that DER forbids, and OpenSSL 3 refused
// the certificate ("asn1 encoding routines::illegal padding"), failing a run now and then.
import assert from 'node:assert/strict';
import { createSecureContext } from 'node:tls';
import { test } from 'node:test';
import { selfSignedCertificate } from '../../runners/backends/tls.ts';

test('2,000 generated certificates all load into a TLS context', () => {
  for (let i = 0; i < 2000; i++) {
    const { certPem, keyPem } = selfSignedCertificate();
    assert.doesNotThrow(() => createSecureContext({ cert: certPem, key: keyPem }), `certificate ${i}`);
  }
});
