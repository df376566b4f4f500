import { chromium } from 'playwright-core';
const [file, out, sel] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
await page.goto('file://' + file);
await page.waitForFunction(() => document.body.getAttribute('data-charts'));
console.log('charts', await page.evaluate(() => document.body.getAttribute('data-charts')), errors);
for (const s of sel.split(',')) {
  const el = await page.$(s);
  if (el) await el.screenshot({ path: out.replace('.png', '-' + s.replace(/[^a-z]/g, '') + '.png') });
}
await page.click('#lead-body tr.lead');
await (await page.$('#leads')).screenshot({ path: out.replace('.png', '-leadsopen.png') });
await browser.close();
