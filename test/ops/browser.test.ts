import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { DASHBOARD, makeFailedJob, startOperatorBot } from '../http/operator-support.ts';
import { type TestBot, until } from '../support/newsbot.ts';

// Debian's chromium, never a downloaded browser; .ci/run installs it. Missing → fail, not skip.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('browser: the operator logs in, sees every queue and the status page, retries a job', () => {
  let t: TestBot;
  let base: string;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does)`,
      );
    }
    ({ t, base } = await startOperatorBot('browser'));
    // Flags from the machine notes: the closed network refuses Chromium's background traffic.
    // Playwright starts every launch on a new empty profile in a temp dir of its own (it
    // refuses --user-data-dir in args), which it deletes on close.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
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
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('is refused without credentials', async () => {
    const context = await browser.newContext();
    // Chromium turns a 401 without credentials into a navigation error; ask over its network.
    const res = await context.request.get(`${base}/dashboard`);
    expect(res.status()).toBe(401);
    expect(res.headers()['www-authenticate']).toMatch(/^Basic /);
    await context.close();
  });

  it('shows every queue, the status page, and retries a failed job', async () => {
    const jobId = await makeFailedJob(t, 'feed exploded');
    const context = await browser.newContext({
      httpCredentials: { username: DASHBOARD.user, password: DASHBOARD.password },
    });
    const page = await context.newPage();
    const res = await page.goto(`${base}/dashboard`);
    expect(res?.status()).toBe(200);
    for (const name of QUEUE_NAMES) {
      await page.locator(`a[href$="/queue/${name}"]`).first().waitFor({ timeout: 15_000 });
    }

    await page.goto(`${base}/status`);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('html').getAttribute('lang')).toBe('ar');
    await expect(page.locator('#failed').textContent()).resolves.toContain('feed exploded');
    await expect(page.locator('h1').textContent()).resolves.toBe('حالة newsbot');

    await page.goto(`${base}/dashboard/queue/sources?status=failed`);
    await page.getByText('feed exploded').first().waitFor({ timeout: 15_000 });
    // The job card's actions are icon buttons named only by a tooltip: hover, read, click.
    const retry = page
      .locator('span[data-base-ui-tooltip-trigger] > button:not([aria-label])')
      .first();
    await retry.hover();
    await page.getByText('Retry', { exact: true }).waitFor({ timeout: 10_000 });
    await retry.click();
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().includes(`/api/queues/sources/${jobId}/retry`)),
      page.getByRole('button', { name: 'Confirm', exact: true }).click(),
    ]);
    expect(answer.status()).toBe(204);
    // No worker runs in this process: the retried job waits in the queue.
    const state = await until(
      async () => {
        const s = await t.queues.sources.getJobState(jobId);
        return s === 'failed' ? undefined : s;
      },
      { what: 'job left the failed state', timeoutMs: 15_000 },
    );
    expect(['waiting', 'wait', 'prioritized']).toContain(state);
    await context.close();
  }, 90_000);
});
