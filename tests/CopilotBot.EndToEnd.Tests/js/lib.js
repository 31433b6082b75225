'use strict';
// Shared plumbing for the end-to-end drivers: headless Chromium from the system (playwright-core, no bundled browser),
// loopback-only networking, numbered screenshots, and one JSON report on stdout (the C# tests assert on it).

const fs = require('fs');
const net = require('net');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
];

/** Parses the one JSON argument the C# side passes. */
function readOptions() {
  if (process.argv.length < 3) {
    throw new Error('usage: node <script> \'{"bot":"http://127.0.0.1:PORT","out":"artefacts folder",...}\'');
  }

  const options = JSON.parse(process.argv[2]);
  for (const key of ['bot', 'out']) {
    if (!options[key]) {
      throw new Error(`missing option "${key}"`);
    }
  }

  options.timeoutMs = options.timeoutMs || 60000;
  fs.mkdirSync(options.out, { recursive: true });
  return options;
}

/** A free TCP port on loopback (released before use; the caller binds it right away). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function isLoopback(url) {
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
  } catch {
    // data:, blob: and friends never leave the machine.
    return true;
  }
}

/**
 * Runs the scenario with a page and writes the report. The report is printed as one JSON line on stdout even when a
 * step fails (then with ok:false, the failing step, the error and a failure screenshot), and the exit code says which.
 */
async function run(name, scenario) {
  const report = { scenario: name, ok: false, steps: [], screenshots: [], blockedRequests: [], consoleErrors: [] };
  let browser;
  let options;
  let page;
  const cleanups = [];
  const started = Date.now();
  try {
    report.currentStep = 'read the options';
    options = readOptions();
    const executablePath = options.chromium || process.env.CHROMIUM_PATH || '/usr/bin/chromium';
    if (!fs.existsSync(executablePath)) {
      throw new Error(`Chromium not found at ${executablePath}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
    }

    report.currentStep = 'launch Chromium';
    browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS, timeout: options.timeoutMs });
    delete report.currentStep;
    const context = await browser.newContext({ viewport: { width: 1400, height: 1200 }, locale: 'en-US', timezoneId: 'UTC' });
    context.setDefaultTimeout(options.timeoutMs);
    // Nothing leaves the machine: fonts and telemetry on external CDNs would only fail slowly.
    await context.route('**/*', route => {
      const url = route.request().url();
      if (isLoopback(url)) {
        return route.continue();
      }

      if (report.blockedRequests.length < 50) {
        report.blockedRequests.push(url);
      }

      return route.abort();
    });
    page = await context.newPage();
    page.on('console', m => {
      if (m.type() === 'error' && report.consoleErrors.length < 50) {
        report.consoleErrors.push(m.text().slice(0, 500));
      }
    });
    page.on('pageerror', e => {
      if (report.consoleErrors.length < 50) {
        report.consoleErrors.push('pageerror: ' + String(e && e.message).slice(0, 500));
      }
    });

    const ctx = {
      options,
      page,
      report,
      onCleanup: fn => cleanups.push(fn),
      /** Records a named step; a thrown error names the step it happened in. */
      step: async (stepName, fn) => {
        const t0 = Date.now();
        report.currentStep = stepName;
        const result = await fn();
        report.steps.push({ name: stepName, ms: Date.now() - t0 });
        delete report.currentStep;
        return result;
      },
      /** A screenshot of the whole page, scrolled so the element's top (block 'start') or bottom ('end') shows. */
      screenshot: async (fileName, locator, block = 'end') => {
        if (locator) {
          await locator.first().evaluate((el, b) => el.scrollIntoView({ block: b }), block);
        }

        const file = path.join(options.out, fileName);
        await page.screenshot({ path: file });
        report.screenshots.push(file);
        return file;
      },
    };
    await scenario(ctx);
    report.ok = true;
  } catch (error) {
    report.error = String((error && error.stack) || error);
    report.failedStep = report.currentStep;
    delete report.currentStep;
    if (page && options) {
      try {
        const file = path.join(options.out, 'failure.png');
        await page.screenshot({ path: file, timeout: 10000 });
        report.screenshots.push(file);
        fs.writeFileSync(path.join(options.out, 'failure.html'), await page.content());
      } catch {
        // The page may be gone; the error above is what matters.
      }
    }
  } finally {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch {
        // Best effort: the C# side kills the whole process tree anyway.
      }
    }

    if (browser) {
      await browser.close().catch(() => {});
    }
  }

  report.ms = Date.now() - started;
  process.stdout.write(JSON.stringify(report) + '\n');
  process.exitCode = report.ok ? 0 : 1;
}

/** Types into the focused rich-text composer character by character, as a person would. */
async function typeInto(page, locator, text) {
  await locator.click();
  await page.keyboard.type(text);
}

module.exports = { run, freePort, typeInto, isLoopback };
