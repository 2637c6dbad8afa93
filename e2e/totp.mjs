// RFC 6238 TOTP (HMAC-SHA-1, 30 s steps, 6 digits), enough to sign in the demo users.
import { createHmac } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text) {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error(`invalid base32 character '${ch}'`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** The code for the step containing `unixSeconds`. */
export function totp(secretBase32, unixSeconds = Date.now() / 1000, { step = 30, digits = 6 } = {}) {
  const counter = Math.floor(unixSeconds / step);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** Seconds left before the current code changes. */
export function secondsLeft(unixSeconds = Date.now() / 1000, step = 30) {
  return step - (unixSeconds % step);
}
