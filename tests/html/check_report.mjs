// check_report.mjs - loads an HTML audit report in headless Chromium and checks it against
// the JSON output of the same audit: no console error and no request beyond the file
// itself; the summary's counts; the findings table's count and rows for every code and
// rule filter, a party filter, the search box, paging and the summary's filter links.
// Prints one line per check; exits 1 when any failed.
//
// Usage: node check_report.mjs --report R.html --json R.json --shot FULL.png
//          [--shot-top TOP.png] [--shot-summary SUMMARY.png] [--party NAME=COUNT]
//          [--max-load-ms N]
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: arg } = parseArgs({
  options: {
    report: { type: 'string' }, json: { type: 'string' }, shot: { type: 'string' },
    'shot-top': { type: 'string' }, 'shot-summary': { type: 'string' },
    party: { type: 'string' },
    'max-load-ms': { type: 'string', default: '20000' },
  },
});
const expected = JSON.parse(readFileSync(arg.json, 'utf8'));
const url = pathToFileURL(arg.report).href;
let failures = 0;
const check = (ok, what, detail = '') => {
  console.log(`${ok ? 'ok' : 'FAIL'}: ${what}${ok || !detail ? '' : ` (${detail})`}`);
  if (!ok) failures++;
};
const equal = (got, want, what) => check(got === want, what, `got ${got}, want ${want}`);
const PAGE = 100;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // As root Chromium needs --no-sandbox; the rest keeps it off this closed network.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
  const errors = [], requests = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });

  const started = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('#f-count[data-count]');
  const loadMs = Date.now() - started;
  check(loadMs <= Number(arg['max-load-ms']), `page ready in ${loadMs} ms`);

  // The summary against the JSON output.
  const value = async (sel) => Number(await page.getAttribute(sel, 'data-value'));
  const shown = async (sel) => Number((await page.textContent(sel)).replace(/,/g, ''));
  equal(await value('#sum-entries'), expected.summary.entries, 'entries (data-value)');
  equal(await shown('#sum-entries'), expected.summary.entries, 'entries (shown)');
  equal(await value('#sum-findings'), expected.summary.findings, 'findings (data-value)');
  equal(await shown('#sum-findings'), expected.summary.findings, 'findings (shown)');
  const byCode = {};
  for (const f of expected.findings) byCode[f.code] = (byCode[f.code] || 0) + 1;
  const codeRows = await page.$$eval('#by-code tbody tr', (rows) =>
    rows.map((r) => [r.dataset.code, Number(r.cells[2].textContent.replace(/,/g, ''))]));
  check(codeRows.length === 11, 'by-code table lists the 11 codes', `${codeRows.length}`);
  for (const [code, n] of codeRows) equal(n, byCode[code] || 0, `by-code ${code}`);
  const chain = await page.getAttribute('#sum-chain', 'data-chain');
  equal(chain, expected.summary.chain.status, 'chain status');

  // The findings table: everything, then one filter at a time.
  const count = async () => Number(await page.getAttribute('#f-count', 'data-count'));
  const rows = () => page.$$eval('#findings-body tr[data-code]', (trs) =>
    trs.map((tr) => ({ code: tr.dataset.code, first: tr.cells[0].textContent })));
  equal(await count(), expected.findings.length, 'table: all findings');
  equal((await rows()).length, Math.min(PAGE, expected.findings.length), 'table: first page');
  const reset = () => page.evaluate(() => {
    for (const id of ['f-code', 'f-rule', 'f-party']) document.getElementById(id).value = '-1';
    document.getElementById('f-text').value = '';
  });

  const codes = await page.$$eval('#f-code option', (os) =>
    os.filter((o) => o.value !== '-1').map((o) => [o.value, o.textContent]));
  for (const [v, label] of codes) {
    await reset();
    await page.selectOption('#f-code', v);
    const code = label.replace(/ \(.*$/, '');
    const want = byCode[code] || 0;
    equal(await count(), want, `filter code=${code}`);
    const r = await rows();
    check(r.length === Math.min(PAGE, want) && r.every((x) => x.code === code),
          `filter code=${code}: ${r.length} rows, all ${code}`);
  }
  const rules = await page.$$eval('#f-rule option', (os) =>
    os.filter((o) => o.value !== '-1').map((o) => [o.value, o.textContent.replace(/ \(.*$/, '')]));
  for (const [v, rule] of rules) {
    await reset();
    await page.selectOption('#f-rule', v);
    equal(await count(), expected.findings.filter((f) => f.rule === rule).length,
          `filter rule=${rule}`);
  }
  if (arg.party) {
    const [name, n] = arg.party.split('=');
    await reset();
    const v = await page.$$eval('#f-party option', (os, prefix) =>
      (os.find((o) => o.textContent.startsWith(prefix)) || { value: '' }).value, `${name} (`);
    check(v !== '', `party filter offers ${name}`);
    await page.selectOption('#f-party', v);
    equal(await count(), Number(n), `filter party=${name}`);
  }
  if (expected.findings.length) {
    // Search by the id of the last finding that has one.
    const withId = expected.findings.filter((f) => f.id);
    if (withId.length) {
      const id = withId[withId.length - 1].id;
      await reset();
      await page.fill('#f-text', id);
      const want = expected.findings.filter((f) =>
        (f.message + ' ' + (f.id || '')).toLowerCase().includes(id.toLowerCase())).length;
      await page.waitForFunction((n) =>
        document.getElementById('f-count').dataset.count === String(n), want);
      equal(await count(), want, `search "${id}"`);
    }
  }

  // Paging, then a link of the summary that sets the code filter.
  await reset();
  await page.selectOption('#f-code', '-1');
  if (expected.findings.length > PAGE) {
    await page.click('#p-next');
    equal((await rows())[0].first, String(PAGE + 1), 'next page starts at row 101');
    await page.click('#p-last');
    const last = await rows();
    equal(last[last.length - 1].first, expected.findings.length.toLocaleString('en-US'),
          'last page ends at the last finding');
  }
  const link = await page.$('#by-code a[data-filter="code"]');
  if (link) {
    const code = await link.textContent();
    await link.click();
    equal(await count(), byCode[code], `summary link ${code} filters the table`);
  }

  // The flow: the call-out's count is the diagram's KR-JP edges' counts.
  const callout = await page.$('#direct-exchange');
  if (callout) {
    const edgeSum = await page.$$eval('#flow-diagram g.edge.direct', (gs) =>
      gs.reduce((s, g) => s + Number(g.dataset.transfers), 0));
    equal(Number(await callout.getAttribute('data-transfers')), edgeSum,
          'direct KR-JP call-out matches the diagram');
  }

  check(errors.length === 0, 'no console errors', errors.join(' | '));
  check(requests.length === 0, 'no request beyond the page itself', requests.join(' '));

  await reset();
  await page.selectOption('#f-code', '-1');
  await page.mouse.move(0, 0);
  await page.evaluate(() => { document.activeElement.blur(); window.scrollTo(0, 0); });
  if (arg['shot-top']) await page.screenshot({ path: arg['shot-top'] });
  if (arg['shot-summary']) {
    // From the top of the page to the end of the exchange flow (the README's picture).
    const box = await page.$eval('#flow', (el) => el.getBoundingClientRect().bottom + 12);
    await page.screenshot({ path: arg['shot-summary'],
                            clip: { x: 0, y: 0, width: 1360, height: Math.ceil(box) },
                            fullPage: true });
  }
  if (arg.shot) await page.screenshot({ path: arg.shot, fullPage: true });
} finally {
  await browser.close();
}
console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
process.exit(failures ? 1 : 0);
