// Standard test vectors of every algorithm a crypto profile names (issue 16): the commercial set
// against the national standards' own examples, the international set against the RFCs' and
// NIST's. Pure computation: no hub.
import { createCipheriv } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { aeadAlgorithm } from '../kit/crypto/aead';
import { digest, mac } from '../kit/crypto/hash';
import { signatureScheme, SM2_DEFAULT_USER_ID, sm2WithSm3, sm2Z } from '../kit/crypto/signatures';

const h = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('SM3 (GB/T 32905-2016, 附录A)', () => {
  test('example 1: "abc"', () => {
    expect(hex(digest('sm3', 'abc'))).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });
  test('example 2: "abcd" sixteen times (512 bits)', () => {
    expect(hex(digest('sm3', 'abcd'.repeat(16)))).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });
});

describe('SM4 (GB/T 32907-2016, 附录A)', () => {
  const key = h('0123456789abcdeffedcba9876543210');
  const block = (k: Buffer) => {
    const c = createCipheriv('sm4-ecb', k, null).setAutoPadding(false);
    return (b: Buffer) => c.update(b);
  };
  test('example 1: key = plaintext = 0123456789abcdeffedcba9876543210, one encryption', () => {
    expect(hex(block(key)(key))).toBe('681edf34d206965e86b3e94f536e4246');
  });
  test('example 2: the same plaintext encrypted 1,000,000 times', () => {
    const encrypt = block(key);
    let x = key;
    for (let i = 0; i < 1_000_000; i++) x = encrypt(x);
    expect(hex(x)).toBe('595298c7c6fd271f0402f804c33d3f66');
  });
  test('the SM4-CTR of the commercial profile is the standard block cipher on counter blocks', () => {
    // CTR: C_i = P_i XOR SM4(counter + i); so a zero plaintext shows the keystream, which must be
    // SM4-ECB of the counter blocks, incremented as a 128-bit big-endian integer (with carry).
    const counter = h('ffffffffffffffffffffffffffffffff');
    const keystream = createCipheriv('sm4-ctr', key, counter).update(Buffer.alloc(32));
    const ecb = block(key);
    expect(hex(keystream)).toBe(hex(Buffer.concat([ecb(counter), ecb(Buffer.alloc(16))])));
  });
});

describe('SM2 signatures with SM3 (GB/T 32918.2-2016)', () => {
  // The example on the recommended curve (GM/T 0003.5-2012; GB/T 32918.5-2017 curve): private key
  // d_A, message "message digest", ID_A = the default "1234567812345678", signed with the
  // standard's k = 59276E27…BC21 to (r, s). Z_A and e = SM3(Z_A || M) are the example's too.
  const d = h('3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8');
  const publicKey = h(`04 09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020
                          CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13`);
  const signature = h(`F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3
                       B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA`);
  const message = 'message digest';
  const scheme = signatureScheme('sm2-sm3');

  test('the public key P_A = [d_A]G of the example', () => {
    expect(hex(scheme.publicKeyOf(d))).toBe(hex(publicKey));
  });
  test('Z_A (ENTL_A || ID_A || a || b || G || P_A hashed) and e = SM3(Z_A || M) of the example', () => {
    const z = sm2Z(publicKey, SM2_DEFAULT_USER_ID);
    expect(hex(z)).toBe('b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3');
    expect(hex(digest('sm3', Buffer.concat([z, Buffer.from(message)])))).toBe('f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640');
  });
  test("the example's signature (r, s) verifies, also once the key's precomputed table is in use", () => {
    for (let i = 0; i < 3; i++) expect(scheme.verify(publicKey, message, signature)).toBe(true);
    expect(scheme.verify(publicKey, 'message digesT', signature)).toBe(false);
  });
  test('and fails for another message, another identifier, an altered r or s, another key', () => {
    expect(scheme.verify(publicKey, 'message digesT', signature)).toBe(false);
    expect(sm2WithSm3('ALICE123@YAHOO.COM').verify(publicKey, message, signature)).toBe(false);
    for (const i of [0, 63]) {
      const altered = Buffer.from(signature);
      altered[i] ^= 1;
      expect(scheme.verify(publicKey, message, altered)).toBe(false);
    }
    expect(scheme.verify(scheme.generateKeyPair().publicKey, message, signature)).toBe(false);
  });
  test('what it signs with the example key verifies (k is random: two signatures differ)', () => {
    const a = scheme.sign(d, message);
    const b = scheme.sign(d, message);
    expect(a).toHaveLength(64);
    expect(hex(a)).not.toBe(hex(b));
    expect(scheme.verify(publicKey, message, a)).toBe(true);
    expect(scheme.verify(publicKey, message, b)).toBe(true);
  });
  test('malformed keys and signatures are "not signed", never an exception', () => {
    expect(scheme.verify(publicKey.subarray(1), message, signature)).toBe(false);
    expect(scheme.verify(Buffer.alloc(65, 4), message, signature)).toBe(false);
    expect(scheme.verify(publicKey, message, signature.subarray(1))).toBe(false);
    expect(scheme.verify(publicKey, message, Buffer.alloc(64))).toBe(false);
    // r' or s' outside [1, n-1] (GB/T 32918.2 §7.1 B1, B2): n itself, or zero, beside a valid other half
    const n = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
    const word = (x: bigint) => h(x.toString(16).padStart(64, '0'));
    const [r, s] = [signature.subarray(0, 32), signature.subarray(32)];
    expect(scheme.verify(publicKey, message, Buffer.concat([r, word(n)]))).toBe(false);
    expect(scheme.verify(publicKey, message, Buffer.concat([r, word(0n)]))).toBe(false);
    expect(scheme.verify(publicKey, message, Buffer.concat([word(0n), s]))).toBe(false);
    expect(scheme.verify(publicKey, message, Buffer.concat([word(n), s]))).toBe(false);
    expect(() => scheme.sign(Buffer.alloc(32), message)).toThrow(/out of range/);
  });
});

describe('Ed25519 (RFC 8032 §7.1)', () => {
  const scheme = signatureScheme('ed25519');
  test.each([
    {
      name: 'TEST 1 (empty message)',
      secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
      message: '',
      signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    },
    {
      name: 'TEST 2 (one byte)',
      secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
      public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
      message: '72',
      signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
    },
  ])('$name: public key, deterministic signature, verification', (v) => {
    expect(hex(scheme.publicKeyOf(h(v.secret)))).toBe(v.public);
    expect(hex(scheme.sign(h(v.secret), h(v.message)))).toBe(v.signature);
    expect(scheme.verify(h(v.public), h(v.message), h(v.signature))).toBe(true);
    expect(scheme.verify(h(v.public), Buffer.from('x'), h(v.signature))).toBe(false);
  });
});

describe('SHA-256 (FIPS 180-4 examples) and HMAC (RFC 4231)', () => {
  test('"abc" and the two-block message', () => {
    expect(hex(digest('sha256', 'abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(digest('sha256', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });
  test('HMAC-SHA-256, RFC 4231 test case 2', () => {
    expect(hex(mac('hmac-sha256', Buffer.from('Jefe'), 'what do ya want for nothing?'))).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});

describe('AES-256-GCM (NIST SP 800-38D; McGrew & Viega test cases 13-16)', () => {
  const gcm = aeadAlgorithm('aes-256-gcm');
  test('test case 13: zero key, zero nonce, empty plaintext', () => {
    const { ciphertext, tag } = gcm.encrypt(Buffer.alloc(32), Buffer.alloc(12), Buffer.alloc(0), Buffer.alloc(0));
    expect(hex(ciphertext)).toBe('');
    expect(hex(tag)).toBe('530f8afbc74536b9a963b4f1c4cb738b');
  });
  test('test case 14: zero key, zero nonce, one zero block', () => {
    const { ciphertext, tag } = gcm.encrypt(Buffer.alloc(32), Buffer.alloc(12), Buffer.alloc(16), Buffer.alloc(0));
    expect(hex(ciphertext)).toBe('cea7403d4d606b6e074ec5d3baf39d18');
    expect(hex(tag)).toBe('d0d1c8a799996bf0265b98b5d48ab919');
    expect(hex(gcm.decrypt(Buffer.alloc(32), Buffer.alloc(12), ciphertext, tag, Buffer.alloc(0))!)).toBe(hex(Buffer.alloc(16)));
  });
  test('test case 16: with associated data', () => {
    const key = h('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308');
    const nonce = h('cafebabefacedbaddecaf888');
    const plaintext = h(`d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525
                         b16aedf5aa0de657ba637b39`);
    const aad = h('feedfacedeadbeeffeedfacedeadbeefabaddad2');
    const { ciphertext, tag } = gcm.encrypt(key, nonce, plaintext, aad);
    expect(hex(ciphertext)).toBe('522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662');
    expect(hex(tag)).toBe('76fc6ece0f4e1768cddf8853bb2d551b');
    const altered = Buffer.from(aad);
    altered[0] ^= 1;
    expect(gcm.decrypt(key, nonce, ciphertext, tag, altered)).toBeNull();
  });
});
