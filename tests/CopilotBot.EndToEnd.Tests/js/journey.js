'use strict';
// A user's journey through the bot's local web chat page (Microsoft Bot Framework Web Chat over the bot's Direct Line
// endpoint) in headless Chromium: pick the user, then each turn in order — type a message, or click a button on the
// last card that shows some text, or fill a card's inputs and press one of its buttons — and wait for the reply card
// (or plain reply) that shows the expected text. Every turn is screenshotted and reported: the reply's text, the
// buttons it offers, its images (loaded or not, with their size and alt text), and whether Web Chat marked a send as
// failed.
// Usage: node journey.js '{"bot":"http://127.0.0.1:PORT","out":"DIR","user":"jamie.ortiz","turns":[...]}'
//   turn: { "name": "...", "as": "another user id (optional: switch user first)", "say": "text" | "click": {"card": "text on the card", "button": "button title"}
//           | "fill": {"card": "text on the card", "inputs": ["value for the 1st input", ...], "button": "title"},
//           "expect": "text the reply shows", "screenshot": "01-name.png" }
// Prints one JSON report line (see lib.js) with report.turns[i] = { reply, buttons, images, sendFailed }.

const { run } = require('./lib');

const CARD = '#webchat .ac-adaptiveCard';
const ACTIVITY = '#webchat [role="group"], #webchat .webchat__basic-transcript__activity';

run('journey', async ctx => {
  const { page, options, report, step } = ctx;
  if (!options.user || !Array.isArray(options.turns)) {
    throw new Error('missing option "user" or "turns"');
  }

  await step('open the web chat page', async () => {
    await page.goto(new URL('/', options.bot).href);
    await page.locator('#webchat[data-state="online"]').waitFor();
  });

  await step('pick the user', async () => {
    await page.selectOption('#user-picker', options.user);
    await page.locator(`#webchat[data-state="online"][data-user-id="${options.user}"]`).waitFor();
    report.user = await page.locator('#webchat').getAttribute('data-user-id');
  });

  report.turns = [];
  for (const [index, turn] of options.turns.entries()) {
    const label = turn.name || `turn ${index + 1}`;
    if (turn.as) {
      // Switch user: the picker starts a new conversation as that user.
      await step(`${label}: switch to ${turn.as}`, async () => {
        await page.selectOption('#user-picker', turn.as);
        await page.locator(`#webchat[data-state="online"][data-user-id="${turn.as}"]`).waitFor();
      });
    }

    const result = await step(label, async () => {
      // The reply is awaited as one more card (or activity) showing the expected text than before: a new one, or one
      // updated in place (an approval request replacing the draft it came from).
      const countMatches = ([cardSelector, activitySelector, text]) => {
        const count = nodes => Array.from(nodes).filter(n => n.innerText.includes(text)).length;
        return [count(document.querySelectorAll(cardSelector)), count(document.querySelectorAll(activitySelector))];
      };
      const [cardsBefore, activitiesBefore] = await page.evaluate(countMatches, [CARD, ACTIVITY, turn.expect]);
      if (turn.say) {
        await page.locator('[data-id="webchat-sendbox-input"]').fill(turn.say);
        await page.locator('#webchat button[title="Send"]').click();
      } else if (turn.click) {
        const card = page.locator(CARD).filter({ hasText: turn.click.card }).last();
        await card.getByRole('button', { name: turn.click.button, exact: false }).first().click();
      } else if (turn.fill) {
        const card = page.locator(CARD).filter({ hasText: turn.fill.card }).last();
        const inputs = card.locator('textarea, input[type="text"], input:not([type])');
        await inputs.first().waitFor();
        for (const [i, value] of turn.fill.inputs.entries()) {
          if (value !== null && value !== undefined) {
            await inputs.nth(i).fill(value);
          }
        }

        await card.getByRole('button', { name: turn.fill.button, exact: false }).first().click();
      } else {
        throw new Error(`turn ${label} has nothing to do (say, click or fill)`);
      }

      // The reply: the newest card showing the expected text, else the newest activity that does.
      const expected = turn.expect;
      const newCard = page.locator(CARD).filter({ hasText: expected }).last();
      const newActivity = page.locator(ACTIVITY).filter({ hasText: expected }).last();
      await page.waitForFunction(
        ([cardSelector, activitySelector, text, cards, activities]) => {
          const count = nodes => Array.from(nodes).filter(n => n.innerText.includes(text)).length;
          return count(document.querySelectorAll(cardSelector)) > cards || count(document.querySelectorAll(activitySelector)) > activities;
        },
        [CARD, ACTIVITY, expected, cardsBefore, activitiesBefore],
        { timeout: options.timeoutMs });
      const reply = (await newCard.count()) > 0 ? newCard : newActivity;
      const images = reply.locator('img');
      for (let i = 0; i < await images.count(); i++) {
        await page.waitForFunction(el => el.complete, await images.nth(i).elementHandle());
      }

      return {
        locator: reply,
        reply: await reply.innerText(),
        buttons: await reply.getByRole('button').evaluateAll(bs => bs.map(b => (b.getAttribute('title') || b.innerText || '').trim())),
        inputs: await reply.locator('textarea, input[type="text"], input:not([type])').evaluateAll(is => is.map(i => i.value)),
        images: await images.evaluateAll(is => is.map(el => ({
          naturalWidth: el.naturalWidth, naturalHeight: el.naturalHeight, alt: el.alt, scheme: el.src.slice(0, el.src.startsWith('data:') ? el.src.indexOf(',') + 1 : el.src.indexOf('/', 8) + 1),
        }))),
        sendFailed: await page.locator('#webchat').getByText(/Send failed/i).count(),
      };
    });
    await ctx.screenshot(turn.screenshot || `${String(index + 1).padStart(2, '0')}.png`, result.locator, 'start');
    delete result.locator;
    report.turns.push(result);
  }
});
