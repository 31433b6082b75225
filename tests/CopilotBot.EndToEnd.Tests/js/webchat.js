'use strict';
// Drives the bot's local web chat page (Microsoft Bot Framework Web Chat over the bot's own Direct Line 3.0 endpoint)
// in headless Chromium:
//   1. the page loads, shows the demo label and fills the user picker from /api/info;
//   2. picking a CSM starts a new conversation as that user;
//   3. a question typed in Web Chat's send box -> the at-risk Adaptive Card, rendered by Microsoft's renderer;
//   4. clicking the card's "Explain …" button -> the explanation card for that account;
//   5. with "chartQuestion": a forecast question -> its card shows the chart, an <img> that has loaded (naturalWidth > 0).
// Usage: node webchat.js '{"bot":"http://127.0.0.1:PORT","out":"DIR","user":"jamie.ortiz"}'
// Prints one JSON report line (see lib.js); exit code 0 when every step passed.

const { run } = require('./lib');

const CARD = '#webchat .ac-adaptiveCard';

run('webchat', async ctx => {
  const { page, options, report, step } = ctx;
  if (!options.user) {
    throw new Error('missing option "user" (a workspace user id)');
  }

  await step('open the web chat page', async () => {
    await page.goto(new URL('/', options.bot).href);
    await page.locator('#webchat[data-state="online"]').waitFor();
    report.demoLabelVisible = await page.locator('#demo-label').isVisible();
    report.pickerOptions = await page.locator('#user-picker option').evaluateAll(os => os.map(o => ({
      value: o.value,
      group: o.parentElement && o.parentElement.tagName === 'OPTGROUP' ? o.parentElement.label : null,
    })));
    report.initialUser = await page.locator('#webchat').getAttribute('data-user-id');
  });

  await step('pick the user', async () => {
    await page.selectOption('#user-picker', options.user);
    const chat = page.locator(`#webchat[data-state="online"][data-user-id="${options.user}"]`);
    await chat.waitFor();
    report.user = await chat.getAttribute('data-user-id');
    report.conversationId = await chat.getAttribute('data-conversation-id');
  });

  const question = options.question || 'which accounts are most at risk?';
  const atRisk = await step('ask in the send box and get the card', async () => {
    await page.locator('[data-id="webchat-sendbox-input"]').fill(question);
    await page.locator('#webchat button[title="Send"]').click();
    const card = page.locator(CARD).filter({ hasText: 'Accounts at risk' }).last();
    await card.waitFor();
    report.atRiskCard = await card.innerText();
    // Web Chat marks the user's message as failed unless the server echoes it back with its clientActivityID.
    report.userMessageShown = await page.locator('#webchat').getByText(question, { exact: true }).count() > 0;
    report.sendFailed = await page.locator('#webchat').getByText(/Send failed/i).count();
    return card;
  });
  await ctx.screenshot('01-at-risk-card.png', atRisk, 'start');

  const explained = await step('click Explain on the card and get the explanation', async () => {
    const button = atRisk.getByRole('button', { name: /^Explain / }).first();
    report.clicked = (await button.innerText()).trim();
    const account = report.clicked.replace(/^Explain /, '');
    await button.click();
    const card = page.locator(CARD).filter({ hasText: `Why ${account} is` }).last();
    await card.waitFor();
    report.explainCard = await card.innerText();
    report.sendFailedAfterClick = await page.locator('#webchat').getByText(/Send failed/i).count();
    return card;
  });
  await ctx.screenshot('02-explain-card.png', explained, 'start');

  if (options.chartQuestion) {
    const forecast = await step('ask for a forecast and see its chart image load', async () => {
      await page.locator('[data-id="webchat-sendbox-input"]').fill(options.chartQuestion);
      await page.locator('#webchat button[title="Send"]').click();
      const card = page.locator(CARD).filter({ hasText: 'Churn forecast' }).last();
      await card.waitFor();
      const image = card.locator('img').first();
      await image.waitFor();
      await page.waitForFunction(el => el.complete && el.naturalWidth > 0, await image.elementHandle());
      report.chartImage = await image.evaluate(el => ({
        naturalWidth: el.naturalWidth,
        naturalHeight: el.naturalHeight,
        alt: el.alt,
        scheme: el.src.slice(0, el.src.indexOf(',') + 1),
      }));
      return card;
    });
    await ctx.screenshot('03-forecast-chart.png', forecast, 'start');
  }
});
