// Reading the messages e2e/smtp-sink.mjs wrote (SESAME_MAIL_DIR): recipients, subject and the
// decoded text, as a person's mail client would show them.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export const mailDir = process.env.SESAME_MAIL_DIR || '';

function decodeBody(headers, body) {
  const cte = (headers.match(/^content-transfer-encoding:\s*(\S+)/im)?.[1] || '').toLowerCase();
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable') {
    const joined = body.replace(/=\r?\n/g, '');
    const bytes = [];
    for (let i = 0; i < joined.length; i += 1) {
      const hex = joined.slice(i + 1, i + 3);
      if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
        bytes.push(Number.parseInt(hex, 16));
        i += 2;
      } else bytes.push(...Buffer.from(joined[i], 'utf8'));
    }
    return Buffer.from(bytes).toString('utf8');
  }
  return body;
}

/** Every message so far, oldest first: { to, subject, text }. */
export async function messages() {
  const files = (await readdir(mailDir).catch(() => [])).filter((f) => f.endsWith('.eml')).sort();
  const out = [];
  for (const f of files) {
    const raw = await readFile(path.join(mailDir, f), 'utf8');
    const split = raw.indexOf('\r\n\r\n');
    const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
    const to = headers.match(/^to:\s*(.*)$/im)?.[1] || '';
    out.push({ to, headers, text: decodeBody(headers, raw.slice(split + 4)) });
  }
  return out;
}

/** Waits for a message to `to` (case-insensitive) beyond the first `seen` ones. */
export async function waitForMessage(to, seen, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = (await messages()).slice(seen).find((m) => m.to.toLowerCase().includes(to.toLowerCase()));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no e-mail to ${to} within ${timeoutMs / 1000} s`);
}

/** The link of a message to Sésame's holder page. */
export function linkIn(text) {
  const m = text.match(/https?:\/\/\S+\/compte\?etape=[a-z-]+#jeton=[A-Za-z0-9_-]+/);
  if (!m) throw new Error(`no link in the message:\n${text}`);
  return m[0];
}
