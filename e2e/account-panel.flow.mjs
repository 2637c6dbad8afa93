// « Informations du compte » as the head of collège 0451442Y sees it (seed 003): the panel
// offers « (Re)Notifier le compte » beside « Modifier le compte »; its confirmation says what
// will happen to this account, is operated with the keyboard alone, and ends on the outcome
// (the letter to download) with the panel's state and dates refreshed. An activated pupil's
// confirmation warns before anything is done (and is cancelled: the demo data stay as they are
// for the other flows, but for the one pupil notified here).
//
//   SESAME_URL=http://127.0.0.1:8080 node e2e/account-panel.flow.mjs
import path from 'node:path';
import {
  baseUrl,
  checkScreen,
  chooseEstablishment,
  isFocused,
  ok,
  outDir,
  runFlow,
  signIn,
  signOut,
  step,
  tabTo,
  STEP_TIMEOUT_MS,
} from './lib.mjs';

const UAI = '0451442Y';

async function resultsCount(page) {
  await page.waitForFunction(
    () => {
      const t = document.querySelector('.results__count')?.textContent || '';
      return /élève\(s\)/.test(t) && !t.includes('en cours');
    },
    null,
    { timeout: STEP_TIMEOUT_MS },
  );
  return Number.parseInt(await page.locator('.results__count').innerText(), 10);
}

/** The value of one « term » of the panel's description list. */
async function item(panel, term) {
  const dd = panel.locator('.detail__item').filter({ has: panel.page().locator('dt', { hasText: term }) }).locator('dd');
  return (await dd.innerText()).replace(/\s+/g, ' ').trim();
}

async function searchState(page, label, state) {
  await page.goto(`${baseUrl}/etablissements/${UAI}/eleves?state=${state}`, { waitUntil: 'domcontentloaded' });
  await page.getByRole('heading', { name: 'Gestion des comptes élèves' }).waitFor();
  const n = await resultsCount(page);
  if (!(n > 0)) throw new Error(`no pupil « ${label} » at ${UAI}`);
  return n;
}

async function run(page) {
  await signIn(page, 'principal');
  await chooseEstablishment(page, UAI);

  step('open the panel of a pupil « Non notifié »');
  const before = await searchState(page, 'Non notifié', 'not_notified');
  const row = page.locator('table tbody tr').first();
  const identifier = (await row.locator('td.table__id').innerText()).trim();
  const nameButton = row.locator('th.table__name').getByRole('button');
  await nameButton.focus();
  await page.keyboard.press('Enter');
  const panel = page.getByRole('dialog', { name: /^Informations du compte/ });
  await panel.getByText('Informations des sources de données').waitFor();
  if ((await item(panel, 'État du compte')) !== 'Non notifié') throw new Error(`state: ${await item(panel, 'État du compte')}`);
  const notifyButton = panel.getByRole('button', { name: '(Re)Notifier le compte', exact: true });
  const actions = (await panel.locator('.modal__actions').last().getByRole('button').allInnerTexts()).map((t) => t.trim());
  if (actions.indexOf('(Re)Notifier le compte') !== 0 || actions.indexOf('Modifier le compte') !== 1) {
    throw new Error(`the panel's actions are ${JSON.stringify(actions)}`);
  }
  ok(`${identifier}: « (Re)Notifier le compte » comes first, before « Modifier le compte », as in seed 003`);
  await checkScreen(page, 'account-panel');

  step('the confirmation, with the keyboard only');
  await tabTo(page, notifyButton);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: '(Re)Notifier le compte', exact: true });
  await dialog.waitFor({ state: 'visible' });
  if (!(await dialog.evaluate((d) => d.contains(document.activeElement)))) throw new Error('focus is not in the confirmation');
  await dialog.getByText('Un mot de passe provisoire sera attribué au compte, qui passera à l’état « Notifié et non activé »').waitFor();
  await dialog.getByText('Un courrier individuel au format PDF sera à télécharger').waitFor();
  await dialog.getByLabel('Courrier', { exact: true }).waitFor();
  if (await dialog.getByLabel('Courriel').count()) throw new Error('e-mail offered for a pupil');
  if (await dialog.getByLabel(/Réinitialiser le mot de passe/).count()) {
    throw new Error('reset offered where a first notification gives a password anyway');
  }
  await checkScreen(page, 'account-panel-notify-dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  if (!(await panel.isVisible())) throw new Error('Escape closed the panel, not only the confirmation');
  await page.waitForFunction(() => document.activeElement?.textContent.trim() === '(Re)Notifier le compte');
  ok('Escape closes only the confirmation; the focus is back on « (Re)Notifier le compte »');
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'visible' });
  const confirm = dialog.getByRole('button', { name: 'Confirmer', exact: true });
  await tabTo(page, confirm);
  // Tab stays inside the confirmation: one round brings the focus back to « Confirmer ».
  await page.keyboard.press('Tab');
  await tabTo(page, confirm);
  await page.keyboard.press('Enter');

  step('the outcome: the letter, the panel refreshed');
  await dialog.waitFor({ state: 'detached' });
  const outcome = panel.locator('.detail__outcome');
  await outcome.getByText('La notification a bien été effectuée pour 1 élève(s).').waitFor();
  if (!(await isFocused(outcome))) throw new Error('the focus is not on the outcome');
  await page.waitForFunction(
    () => [...document.querySelectorAll('.detail__item')].some(
      (i) => i.querySelector('dt')?.textContent.includes('État du compte') && i.querySelector('dd')?.textContent.includes('Notifié et non activé'),
    ),
    null,
    { timeout: STEP_TIMEOUT_MS },
  );
  const notifiedAt = await item(panel, 'Date de notification');
  if (!/^\d{2}\/\d{2}\/\d{4}/.test(notifiedAt)) throw new Error(`notification date: ${notifiedAt}`);
  const letter = outcome.getByRole('button', { name: 'Télécharger le courrier au format PDF' });
  await page.keyboard.press('Tab');
  if (!(await isFocused(letter))) throw new Error('Tab from the outcome does not reach the letter');
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  if (!pdf.suggestedFilename().endsWith('.pdf')) throw new Error(`letter named ${pdf.suggestedFilename()}`);
  if (await pdf.failure()) throw new Error(`letter download failed: ${await pdf.failure()}`);
  ok(`${identifier} notified: state « Notifié et non activé », notified on ${notifiedAt}, letter ${pdf.suggestedFilename()}`);
  await checkScreen(page, 'account-panel-outcome');
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  await page.waitForFunction(
    (n) => document.querySelector('.results__count')?.textContent.trim() === `${n} élève(s)`,
    before - 1,
    { timeout: STEP_TIMEOUT_MS },
  );
  ok(`the list was fetched again: ${before - 1} pupil(s) « Non notifié » left`);

  step('an activated pupil: the confirmation warns, the reset says what is lost');
  await searchState(page, 'Activé', 'activated');
  await page.locator('table tbody tr').first().locator('th.table__name').getByRole('button').click();
  await panel.getByText('Informations des sources de données').waitFor();
  await panel.getByRole('button', { name: '(Re)Notifier le compte', exact: true }).click();
  await dialog.waitFor({ state: 'visible' });
  await dialog.getByText('son titulaire garde le mot de passe qu’il a choisi').waitFor();
  await dialog.getByText('La (re)notification d’un compte activé est déconseillée').waitFor();
  await dialog.getByLabel('Réinitialiser le mot de passe (à utiliser avec précaution)').check();
  await dialog.getByText('Son titulaire perdra le mot de passe qu’il a choisi').waitFor();
  await checkScreen(page, 'account-panel-notify-activated');
  // The full page is tall here (a long list): the dialog alone, to read its wording.
  await dialog.screenshot({ path: path.join(outDir, 'account-panel-notify-activated-dialog.png') });
  await dialog.getByRole('button', { name: 'Annuler', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  if ((await item(panel, 'État du compte')) !== 'Activé') throw new Error('the activated pupil changed');
  ok('an activated pupil is warned about, the reset says the chosen password is lost; cancelled');
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });

  await signOut(page);
}

await runFlow('account-panel', run);
