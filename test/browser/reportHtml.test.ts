// report.html in a real browser (Debian's Chromium driven by playwright-core): it renders a known
// counterexample, the stepper moves and shows state diffs, and the console stays free of errors.
// Run with `npm run test:browser` (needs /usr/bin/chromium; .ci/run installs it).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCounterexample } from '../../src/checker/loadCounterexample.ts';
import type { CheckRow } from '../../src/cli/check.ts';
import { reportHtml } from '../../src/report/html/reportHtml.ts';

const stem = join(
  import.meta.dirname,
  '..',
  '..',
  'counterexamples',
  'attach-target-was-compat--v6.6+cached-compat-id',
);
const loaded = loadCounterexample(readFileSync(`${stem}.json`, 'utf8'));
if (!loaded.ok) throw new Error(loaded.error);
const cx = loaded.value.file;
const rows: CheckRow[] = [
  {
    property: cx.property,
    semantics: cx.semantics,
    verdict: 'violated',
    expected: 'violated',
    match: true,
    runs: 10,
    steps: 100,
    elapsedMs: 1,
    counterexample: `${stem}.json`,
    length: cx.steps.length,
    message: cx.violation.message,
  },
];

let browser: Awaited<ReturnType<typeof chromium.launch>>;
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
});

describe('report.html', () => {
  it('renders the counterexample, steps through it, and logs no errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioas-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, reportHtml({ rows, counterexamples: [cx], title: 'ioas-check report' }));
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    expect(await page.textContent('h1')).toBe('ioas-check report');
    expect(await page.textContent('td.violated')).toContain(`violated, ${cx.steps.length} steps`);
    const last = cx.steps.length - 1;
    expect(await page.textContent('#cx-0 .position')).toBe(`step 0 of ${last}`);
    expect(await page.textContent('#cx-0 .ioctl')).toContain(cx.steps[0]?.action.op ?? '?');
    await page.click('#cx-0 button.next');
    expect(await page.textContent('#cx-0 .position')).toBe(`step 1 of ${last}`);
    for (let i = 1; i < last; i++) await page.click('#cx-0 button.next');
    expect(await page.textContent('#cx-0 .position')).toBe(`step ${last} of ${last}`);
    expect(await page.textContent('#cx-0 .violation')).toContain(cx.violation.message);
    expect(await page.locator('#cx-0 ul.diff li.added').count()).toBeGreaterThan(0);
    expect(await page.locator('#cx-0 svg.seq g.msg').count()).toBe(cx.steps.length);
    expect(await page.locator('#cx-0 svg.seq g.msg.current').getAttribute('data-step')).toBe(String(last));
    expect(await page.isDisabled('#cx-0 button.next')).toBe(true);
    await page.click('#cx-0 button.prev');
    expect(await page.textContent('#cx-0 .position')).toBe(`step ${last - 1} of ${last}`);
    expect(errors).toEqual([]);
    await page.close();
  });
});
