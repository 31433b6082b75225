'use strict';
// Drives Microsoft's M365 Agents Playground (Teams client emulator, npm @microsoft/m365agentsplayground 0.2.28) against
// the bot in its anonymous local mode, through the Playground's own Teams UI in headless Chromium:
//   1. opening the personal chat installs the app: the bot's welcome appears;
//   2. "which accounts are most at risk?" -> the at-risk Adaptive Card;
//   3. "draft a retention email for <Platinum account>" -> the draft card (Send / Edit / Discard);
//   4. Send -> the draft card is replaced in place by the approval request (Platinum needs an approver);
//   5. Approve -> the same card turns into "Approved by … at HH:mm UTC".
// Usage: node playground.js '{"bot":"http://127.0.0.1:PORT","out":"DIR","account":"Juniper Media GmbH"}'
// Prints one JSON report line (see lib.js); exit code 0 when every step passed.

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { run, freePort, typeInto } = require('./lib');

const PLAYGROUND_CLI = require.resolve('@microsoft/m365agentsplayground/cli.js');
const COMPOSER = '[data-lexical-editor="true"][role="textbox"]';
const CARD = '.ac-adaptiveCard';

/** Starts the Playground's server on a free port (another one if that port was taken meanwhile); resolves to its URL. */
async function startPlayground(ctx) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPlaygroundOnce(ctx);
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test(String(error))) {
        throw error;
      }
    }
  }
}

async function startPlaygroundOnce(ctx) {
  const { options, report } = ctx;
  const port = await freePort();
  const workDir = path.join(options.out, 'playground-server');
  fs.mkdirSync(workDir, { recursive: true });
  const conversationId = 'e2e-' + Date.now();
  const args = [PLAYGROUND_CLI, '-e', options.bot.replace(/\/$/, '') + '/api/messages', '-c', 'msteams', '-p', String(port),
    '--conversation-id', conversationId, '--disable-telemetry'];
  const log = fs.openSync(path.join(workDir, 'stdout.log'), 'w');
  // Its working folder collects ./devTools/m365agentsplayground.log (where its config errors go) as an artefact.
  const child = spawn(process.execPath, args, {
    cwd: workDir,
    env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', BROWSER: 'none' },
    stdio: ['ignore', log, log],
  });
  let exited = null;
  child.on('exit', code => { exited = code; });
  ctx.onCleanup(() => {
    if (exited === null) {
      child.kill('SIGKILL');
    }
  });
  report.playground = { port, conversationId, pid: child.pid, workDir };

  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) {
      const devLog = path.join(workDir, 'devTools', 'm365agentsplayground.log');
      const detail = fs.existsSync(devLog) ? fs.readFileSync(devLog, 'utf8').slice(-2000) : fs.readFileSync(path.join(workDir, 'stdout.log'), 'utf8').slice(-2000);
      throw new Error(`the Agents Playground exited with code ${exited} before serving: ${detail}`);
    }

    try {
      const response = await fetch(url);
      if (response.ok) {
        return url;
      }
    } catch {
      // Not listening yet.
    }

    await new Promise(r => setTimeout(r, 250));
  }

  throw new Error(`the Agents Playground did not answer on ${url} within ${options.timeoutMs} ms`);
}

async function send(ctx, text) {
  const { page } = ctx;
  await typeInto(page, page.locator(COMPOSER).first(), text);
  await page.getByRole('button', { name: 'Send Message' }).first().click();
}

/** The card's outer message element, tagged so we can tell later that a card was updated in place, not re-posted. */
async function tag(card, name) {
  await card.evaluate((el, value) => {
    const host = el.closest('.fai-OutputCard') || el.parentElement;
    host.setAttribute('data-e2e', value);
  }, name);
  return card.page().locator(`[data-e2e="${name}"]`);
}

run('playground', async ctx => {
  const { page, options, report, step } = ctx;
  const account = options.account;
  if (!account) {
    throw new Error('missing option "account" (a Platinum account name)');
  }

  const url = await step('start the Agents Playground', () => startPlayground(ctx));

  await step('open the personal chat and get the welcome', async () => {
    await page.goto(url);
    await page.locator(COMPOSER).first().waitFor();
    const welcome = page.getByText("I'm CopilotBot", { exact: false }).first();
    await welcome.waitFor();
    report.welcome = (await welcome.innerText()).slice(0, 300);
  });

  const atRisk = await step('ask for at-risk accounts', async () => {
    await send(ctx, options.question || 'which accounts are most at risk?');
    const card = page.locator(CARD).filter({ hasText: 'Accounts at risk' }).last();
    await card.waitFor();
    report.atRiskCard = await card.innerText();
    return card;
  });
  await ctx.screenshot('01-at-risk-card.png', atRisk, 'start');

  const draftTitle = `Draft email to ${account}`;
  const host = await step('ask for a draft to the Platinum account', async () => {
    await send(ctx, `draft a retention email for ${account}`);
    const card = page.locator(CARD).filter({ hasText: draftTitle }).last();
    await card.waitFor();
    report.draftCard = await card.innerText();
    return tag(card, 'draft');
  });
  await ctx.screenshot('02-draft-card.png', host);

  await step('click Send on the draft: the approval request replaces it', async () => {
    await host.locator(CARD).getByRole('button', { name: 'Send', exact: true }).click();
    const approval = host.locator(CARD).filter({ hasText: `Approval needed: ${account}` });
    await approval.waitFor();
    report.approvalCard = await approval.innerText();
    report.draftCardsLeft = await page.locator(CARD).filter({ hasText: draftTitle }).count();
  });
  await ctx.screenshot('03-approval-card.png', host);

  await step('click Approve: the card turns into the decision', async () => {
    await host.locator(CARD).getByRole('button', { name: 'Approve', exact: true }).click();
    const decided = host.locator(CARD).filter({ hasText: /Approved by .+ at \d\d:\d\d UTC/ });
    await decided.waitFor();
    report.decidedCard = await decided.innerText();
    report.approvalButtonsLeft = await host.getByRole('button', { name: 'Approve', exact: true }).count();
  });
  await ctx.screenshot('04-approved-card.png', host);
});
