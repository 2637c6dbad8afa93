// A local SMTP sink for the e-mail flows: speaks just enough SMTP for Sésame's relay client
// (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, no TLS, no auth) on 127.0.0.1 only, and writes
// each message as <dir>/<n>.eml. Nothing leaves the machine.
//
//   node e2e/smtp-sink.mjs <port> <dir>
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const [port, dir] = [Number(process.argv[2]), process.argv[3]];
if (!port || !dir) {
  console.error('usage: node e2e/smtp-sink.mjs <port> <dir>');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
let count = 0;

net
  .createServer((socket) => {
    let buffer = '';
    let inData = false;
    let data = [];
    const reply = (line) => socket.write(`${line}\r\n`);
    reply('220 sink ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            count += 1;
            writeFileSync(path.join(dir, `${String(count).padStart(4, '0')}.eml`), data.join('\r\n'));
            data = [];
            reply('250 queued');
          } else {
            data.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 sink');
        else if (verb === 'DATA') {
          inData = true;
          reply('354 end with .');
        } else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else reply('250 ok');
      }
    });
    socket.on('error', () => {});
  })
  .listen(port, '127.0.0.1');
