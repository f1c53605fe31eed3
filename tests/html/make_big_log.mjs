// make_big_log.mjs - writes a TISA-2014 exchange log whose audit gives exactly 5 findings
// per block of 4 entries, for the HTML report's load test (tests/html/run.sh):
//   a direct KR -> JP transfer      not-permitted + invariant no-direct      (2)
//   a KR -> JP request              not-permitted                            (1)
//   a KR -> US transfer on 'other'  forbidden art1-scope + invariant scope   (2)
//   a KR -> US transfer             clean                                    (0)
// Entries are 10 minutes apart from 2015-01-01, so 20,000 blocks (100,000 findings)
// span about 18 months.
// Usage: node make_big_log.mjs BLOCKS OUT.xml
import { createWriteStream } from 'node:fs';

const blocks = Number(process.argv[2]);
const out = createWriteStream(process.argv[3]);
const start = Date.UTC(2015, 0, 1);
let seq = 0;
const time = () => new Date(start + seq * 600000).toISOString().replace('.000Z', 'Z');

const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<exchange-log xmlns="urn:accord:exchange-log:1" accord="TISA-2014" recorder="test">\n'];
for (let b = 0; b < blocks; b++) {
  seq++;
  parts.push(`<transfer seq="${seq}" id="T-${seq}" time="${time()}" from="KR" to="JP" ` +
    `item="I-${b}" originator="KR" topic="nk-missile" level="SECRET"/>\n`);
  seq++;
  parts.push(`<request seq="${seq}" id="R-${seq}" time="${time()}" from="KR" to="JP" ` +
    `topic="nk-nuclear"/>\n`);
  seq++;
  parts.push(`<transfer seq="${seq}" id="T-${seq}" time="${time()}" from="KR" to="US" ` +
    `item="O-${b}" originator="KR" topic="other" level="CONFIDENTIAL"/>\n`);
  seq++;
  parts.push(`<transfer seq="${seq}" id="T-${seq}" time="${time()}" from="KR" to="US" ` +
    `item="C-${b}" originator="KR" topic="nk-nuclear" level="SECRET"/>\n`);
  if (parts.length > 4096) {
    out.write(parts.join(''));
    parts.length = 0;
  }
}
parts.push('</exchange-log>\n');
out.end(parts.join(''));
