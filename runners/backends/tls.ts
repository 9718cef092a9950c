// TLS material for the servers under test: the user's certificate and key, or a self-signed
// ECDSA P-256 certificate written by Node's own crypto (no openssl, no download), so a fresh
// clone and a bare Raspberry Pi can both serve TLS 1.3 at once.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../common/errors.ts';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** True when wsbench generated the pair. */
  generated: boolean;
}

/** The one cipher the seed benchmark used, offered alone by the clients. */
export const SEED_CIPHER = 'TLS_AES_128_GCM_SHA256';

export const DEFAULT_CERT_DIR = path.join('data', 'certs');

// --- minimal DER encoding, just what an X.509 v3 certificate needs ---
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, item: Buffer) => tlv(0xa0 + n, item);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk = [part & 0x7f];
    for (let v = part >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const s = date.toISOString(); // 2026-11-28T09:00:00.000Z → 261128090000Z
  return tlv(0x17, Buffer.from(s.slice(2, 4) + s.slice(5, 7) + s.slice(8, 10) + s.slice(11, 13) + s.slice(14, 16) + s.slice(17, 19) + 'Z'));
}

const ECDSA_WITH_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

/** A self-signed certificate for `localhost`, 127.0.0.1 and ::1, valid for 825 days. */
export function selfSignedCertificate(commonName = 'wsbench'): { certPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const serial = randomBytes(16);
  // A positive INTEGER whose first byte is not zero: DER forbids a leading zero byte before a
  // byte below 0x80, and OpenSSL 3 refuses such a certificate ("illegal padding").
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const name = seq(set(seq(oid('2.5.4.3'), utf8(commonName))));
  const now = Date.now();
  const altNames = seq(
    tlv(0x82, Buffer.from('localhost')),
    tlv(0x87, Buffer.from([127, 0, 0, 1])),
    tlv(0x87, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
  );
  const extensions = explicit(3, seq(seq(oid('2.5.29.17'), octets(altNames))));
  const tbs = seq(
    explicit(0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, serial),
    ECDSA_WITH_SHA256,
    name,
    seq(utcTime(new Date(now - 3600_000)), utcTime(new Date(now + 825 * 86400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const certificate = seq(tbs, ECDSA_WITH_SHA256, bits(sign('sha256', tbs, privateKey)));
  const base64 = certificate.toString('base64').replace(/(.{64})/g, '$1\n').trim();
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/**
 * The certificate and key to serve with: the given files (checked to exist and to parse), or a
 * generated pair kept in `dir` and reused while it is valid.
 */
export function resolveTls(options: { certFile?: string; keyFile?: string; dir?: string }): TlsFiles {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile) throw new ConfigError('--cert and --key go together: give both or neither');
    for (const [flag, file] of [['--cert', options.certFile], ['--key', options.keyFile]] as const) {
      if (!fs.existsSync(file)) throw new ConfigError(`${flag} ${file}: no such file`);
    }
    try {
      new X509Certificate(fs.readFileSync(options.certFile));
    } catch (err) {
      throw new ConfigError(`--cert ${options.certFile}: not a PEM certificate (${(err as Error).message})`);
    }
    try {
      createPrivateKey(fs.readFileSync(options.keyFile));
    } catch (err) {
      throw new ConfigError(`--key ${options.keyFile}: not a PEM private key (${(err as Error).message})`);
    }
    return { certFile: path.resolve(options.certFile), keyFile: path.resolve(options.keyFile), generated: false };
  }
  const dir = path.resolve(options.dir ?? process.env.WSBENCH_CERT_DIR ?? DEFAULT_CERT_DIR);
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    try {
      const cert = new X509Certificate(fs.readFileSync(certFile));
      if (Date.parse(cert.validTo) > Date.now() + 86400_000) return { certFile, keyFile, generated: true };
    } catch {
      // unreadable or expired: make a new pair below
    }
  }
  const { certPem, keyPem } = selfSignedCertificate();
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(keyFile, keyPem, { mode: 0o600 });
  fs.writeFileSync(certFile, certPem);
  return { certFile, keyFile, generated: true };
}

/**
 * uWS has no minimum-TLS-version option. Its TLS 1.2 cipher list is set to a suite the
 * certificate cannot sign (RSA suites for an EC key, ECDSA suites otherwise), so no TLS 1.2
 * handshake can complete, while TLS 1.3 suites (configured apart by OpenSSL) stay as they are.
 */
export function tls12BlockingCiphers(certFile: string): string {
  const keyType = createPublicKey(fs.readFileSync(certFile)).asymmetricKeyType;
  return keyType === 'ec' ? 'ECDHE-RSA-AES128-GCM-SHA256' : 'ECDHE-ECDSA-AES128-GCM-SHA256';
}
