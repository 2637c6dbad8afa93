// The head of establishment's flow in the SPA, against a running demo server.
//
// Sign-in with the second factor, the establishment chooser, « Élèves » searched by state,
// a reload that keeps the search, a password reset done with the keyboard alone (banner
// read), a notification by letter and its PDF download, sign-out; axe on every screen.
//
//   SESAME_URL=http://127.0.0.1:8080 node e2e/smoke.mjs
import path from 'node:path';
import {
  axeViolations,
  baseUrl,
  checkScreen,
  isFocused,
  ok,
  outDir,
  runFlow,
  step,
  tabTo,
  DEMO_PASSWORD as PASSWORD,
  STEP_TIMEOUT_MS,
  TOTP_SECRET,
} from './lib.mjs';
import { secondsLeft, totp } from './totp.mjs';

const USERNAME = 'principal';
const ESTABLISHMENT_NAME = 'LP LYC METIER Auguste Rodin';
const ESTABLISHMENT_UAI = '0450750W';

async function run(page) {
  step(`open ${baseUrl}/`);
  const response = await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' });
  if (!response || !response.ok()) {
    throw new Error(`GET / answered ${response ? response.status() : 'nothing'}`);
  }

  step('wait for the login form rendered by the wasm app');
  const username = page.getByLabel('Identifiant', { exact: true });
  await username.waitFor({ state: 'visible' });
  ok('SPA loaded and rendered the login form');

  step('check the login page');
  const lang = await page.getAttribute('html', 'lang');
  if (lang !== 'fr') throw new Error(`<html lang> is '${lang}', expected 'fr'`);
  await page.getByText('Administration des comptes élèves et responsables').waitFor();
  await page.screenshot({ path: path.join(outDir, 'login.png'), fullPage: true });
  let violations = await axeViolations(page, 'login');

  step(`sign in as ${USERNAME}`);
  await username.fill(USERNAME);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();

  const totpField = page.getByLabel('Code de vérification (clé OTP)');
  const home = page.getByRole('heading', { name: 'Choisir un établissement' });
  const alert = page.locator('[role="alert"].alert--shown');
  await totpField.or(home).or(alert).first().waitFor({ state: 'visible' });
  if (await alert.isVisible()) throw new Error(`login refused: ${await alert.innerText()}`);

  if (await totpField.isVisible()) {
    step('answer the second factor');
    // A code about to expire may reach the server one step too late.
    if (secondsLeft() < 3) await page.waitForTimeout(secondsLeft() * 1000 + 200);
    await totpField.fill(totp(TOTP_SECRET));
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await home.or(alert).first().waitFor({ state: 'visible' });
    if (await alert.isVisible()) throw new Error(`TOTP refused: ${await alert.innerText()}`);
    ok('signed in with the TOTP second factor');
  } else {
    ok('signed in (no second factor asked)');
  }

  step('wait for the establishment list from GET /api/v1/establishments');
  const card = page.locator('li.establishment', { hasText: ESTABLISHMENT_UAI });
  await card.waitFor({ state: 'visible' });
  await card.getByRole('heading', { name: ESTABLISHMENT_NAME }).waitFor();
  await page.getByText(ESTABLISHMENT_UAI, { exact: true }).first().waitFor();
  const tokens = await page.evaluate(() => ({
    access: sessionStorage.getItem('sesame.access_token'),
    refresh: sessionStorage.getItem('sesame.refresh_token'),
  }));
  if (!tokens.access || !tokens.refresh) throw new Error('tokens not kept in sessionStorage');
  const total = await page.locator('li.establishment').count();
  ok(`home lists ${total} establishment(s), including ${ESTABLISHMENT_UAI} ${ESTABLISHMENT_NAME}`);

  step('filter the list by UAI');
  const search = page.getByLabel('Rechercher par UAI ou par nom');
  await search.fill(ESTABLISHMENT_UAI.toLowerCase());
  await page.waitForFunction(
    (uai) => {
      const items = [...document.querySelectorAll('li.establishment')];
      return items.length > 0 && items.every((li) => li.textContent.includes(uai));
    },
    ESTABLISHMENT_UAI,
    { timeout: STEP_TIMEOUT_MS },
  );
  await search.fill('');
  await page.waitForFunction(
    (n) => document.querySelectorAll('li.establishment').length === n,
    total,
    { timeout: STEP_TIMEOUT_MS },
  );
  ok('search box filters by UAI');

  step('check the home page');
  await page.screenshot({ path: path.join(outDir, 'home.png'), fullPage: true });
  violations += await axeViolations(page, 'home');
  if (violations > 0) throw new Error(`axe found ${violations} accessibility violation(s)`);
  ok('axe: no accessibility violation on the login and home pages');

  step(`choose ${ESTABLISHMENT_UAI} and open « Élèves »`);
  await card.getByRole('button', { name: /^Choisir/ }).click();
  const tabs = page.getByRole('navigation', { name: 'Rubriques de l’établissement' });
  await tabs.waitFor({ state: 'visible' });
  if (!page.url().endsWith(`/etablissements/${ESTABLISHMENT_UAI}`)) {
    throw new Error(`after « Choisir » the URL is ${page.url()}`);
  }
  step('check the establishment home: refresh date, welcome text, the head\'s tabs');
  await page.getByText(/Données mises à jour le \d{2}\/\d{2}\/\d{4}/).waitFor();
  const offered = (await tabs.getByRole('link').allInnerTexts()).map((t) => t.trim());
  for (const t of ['Accueil', 'Élèves', 'Élèves extérieurs', 'Responsables', 'Statistiques', 'Paramétrage', 'Délégations', 'Journal']) {
    if (!offered.includes(t)) throw new Error(`the head has no « ${t} » tab: ${offered.join(', ')}`);
  }
  if (offered.includes('Annuaire')) throw new Error('the head is offered the ENT directory');
  await checkScreen(page, 'accueil');
  await tabs.getByRole('link', { name: 'Élèves', exact: true }).click();
  await page.getByRole('heading', { name: 'Gestion des comptes élèves' }).waitFor();
  const current = await tabs.getByRole('link', { name: 'Élèves', exact: true }).getAttribute('aria-current');
  if (current !== 'page') throw new Error(`« Élèves » tab has aria-current=${current}`);
  const count = page.locator('.results__count');
  await page.waitForFunction(
    () => /élève\(s\)/.test(document.querySelector('.results__count')?.textContent || ''),
    null,
    { timeout: STEP_TIMEOUT_MS },
  );
  ok(`« Élèves » lists ${await count.innerText()}`);

  step('search the students with state « Non notifié »');
  await page.getByLabel('Non notifié', { exact: true }).check();
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  const expectNotNotified = async (what) => {
    await page.waitForFunction(
      () =>
        document.querySelector('.results__count')?.textContent.trim() === '2 élève(s)' &&
        document.querySelectorAll('table tbody tr').length === 2,
      null,
      { timeout: STEP_TIMEOUT_MS },
    );
    const states = await page.locator('table tbody tr td.table__state').allInnerTexts();
    if (states.length !== 2 || !states.every((t) => t.trim() === 'Non notifié')) {
      throw new Error(`${what}: unexpected states ${JSON.stringify(states)}`);
    }
  };
  await expectNotNotified('search');
  if (!page.url().includes('state=not_notified')) {
    throw new Error(`the URL does not carry the search: ${page.url()}`);
  }
  ok('state « Non notifié » finds the 2 not-notified students, and the URL says so');

  step('reload the search page');
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.getByRole('heading', { name: 'Gestion des comptes élèves' }).waitFor();
  await expectNotNotified('after reload');
  if (!(await page.getByLabel('Non notifié', { exact: true }).isChecked())) {
    throw new Error('the « Non notifié » box is not ticked after reload');
  }
  ok('a reload restores the search and its 2 rows');

  step('check the students page');
  await page.screenshot({ path: path.join(outDir, 'eleves.png'), fullPage: true });
  if ((await axeViolations(page, 'eleves')) > 0) {
    throw new Error('axe found accessibility violation(s) on « Élèves »');
  }
  ok('axe: no accessibility violation on « Élèves »');

  step('select the first not-notified student with the keyboard');
  const rows = page.locator('table tbody tr');
  const firstId = (await rows.nth(0).locator('td.table__id').innerText()).trim();
  const otherId = (await rows.nth(1).locator('td.table__id').innerText()).trim();
  const firstBox = rows.nth(0).getByRole('checkbox');
  const firstName = (await rows.nth(0).locator('th.table__name').innerText()).trim();
  const boxName = await firstBox.evaluate(
    (el) => document.getElementById(el.getAttribute('aria-labelledby'))?.textContent.trim(),
  );
  if (boxName !== firstName) throw new Error(`row checkbox labelled '${boxName}', not '${firstName}'`);
  await firstBox.focus();
  await page.keyboard.press('Space');
  await page.getByText('1 élève(s) sélectionné(s)', { exact: true }).waitFor();
  if (!(await firstBox.isChecked())) throw new Error('Space did not tick the row checkbox');
  ok(`Space selects ${firstName} (checkbox labelled with the name)`);

  step('open the reset confirmation with the keyboard, and close it with Escape');
  const resetButton = page.getByRole('button', { name: 'Réinitialiser les mots de passe' });
  await tabTo(page, resetButton, 'Shift+Tab');
  await page.keyboard.press('Enter');
  const resetDialog = page.getByRole('dialog', { name: 'Réinitialiser les mots de passe' });
  await resetDialog.waitFor({ state: 'visible' });
  if ((await resetDialog.getAttribute('aria-modal')) !== 'true') throw new Error('dialog not aria-modal');
  if (!(await resetDialog.evaluate((d) => d.contains(document.activeElement)))) {
    throw new Error('focus did not move into the dialog');
  }
  await resetDialog.getByText('Êtes-vous sûr de vouloir réinitialiser le mot de passe de ce compte ?').waitFor();
  await page.keyboard.press('Escape');
  await resetDialog.waitFor({ state: 'detached' });
  if (!(await isFocused(resetButton))) throw new Error('Escape did not return focus to the button');
  await page.keyboard.press('Enter');
  await resetDialog.waitFor({ state: 'visible' });
  // Viewport only: the fixed backdrop covers the viewport, not a full-page capture.
  await page.screenshot({ path: path.join(outDir, 'reset-dialog.png') });
  if ((await axeViolations(page, 'reset dialog')) > 0) {
    throw new Error('axe found accessibility violation(s) with the reset dialog open');
  }
  ok('the reset dialog is modal, takes the focus, closes on Escape, and axe finds nothing');

  step('confirm the reset with the keyboard');
  const confirm = resetDialog.getByRole('button', { name: 'Confirmer', exact: true });
  await tabTo(page, confirm);
  await page.keyboard.press('Enter');
  const banner = page.locator('.banner[role="status"]');
  await banner.getByText('a bien été réinitialisé').waitFor();
  const bannerText = (await banner.innerText()).replace(/\s+/g, ' ').trim();
  const password = (await banner.locator('strong.password').innerText()).trim();
  if (!/^[A-HJ-NP-Z2-9]{8}$/.test(password)) throw new Error(`unexpected password '${password}'`);
  if (!bannerText.includes(`l’élève ${firstId} a bien été réinitialisé`) ||
      !bannerText.includes(`Le nouveau mot de passe est ${password}`)) {
    throw new Error(`unexpected banner: ${bannerText}`);
  }
  await page.waitForFunction(
    (id) =>
      document.querySelector('.results__count')?.textContent.trim() === '1 élève(s)' &&
      [...document.querySelectorAll('table tbody td.table__id')].map((t) => t.textContent.trim()).join() === id,
    otherId,
    { timeout: STEP_TIMEOUT_MS },
  );
  await page.screenshot({ path: path.join(outDir, 'reset.png'), fullPage: true });
  ok(`keyboard-only reset: banner gives ${firstId} a new password, and the table is refreshed`);

  step('notify the other student by letter, with the keyboard only');
  const otherBox = page.locator('table tbody tr').first().getByRole('checkbox');
  const notifyButton = page.getByRole('button', { name: '(Re)notifier les comptes' });
  // From the banner's download buttons, Tab forward to the row's checkbox, as a user would.
  await tabTo(page, otherBox, 'Tab', 80);
  await page.keyboard.press('Space');
  await page.getByText('1 élève(s) sélectionné(s)', { exact: true }).waitFor();
  await tabTo(page, notifyButton, 'Shift+Tab', 80);
  await page.keyboard.press('Enter');
  const notifyDialog = page.getByRole('dialog', { name: '(Re)notifier les comptes' });
  await notifyDialog.waitFor({ state: 'visible' });
  if (!(await notifyDialog.evaluate((d) => d.contains(document.activeElement)))) {
    throw new Error('focus did not move into the notify dialog');
  }
  if (!(await notifyDialog.getByLabel('Courrier', { exact: true }).isChecked())) {
    throw new Error('« Courrier » is not the chosen channel');
  }
  await notifyDialog.getByLabel('Réinitialiser le mot de passe (à utiliser avec précaution)').waitFor();
  await tabTo(page, notifyDialog.getByRole('button', { name: 'Confirmer', exact: true }));
  await page.keyboard.press('Enter');
  const letter = banner.getByRole('button', { name: 'Télécharger le courrier au format PDF' });
  await letter.waitFor({ state: 'visible' });
  await tabTo(page, letter, 'Shift+Tab', 80);
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  const filename = download.suggestedFilename();
  if (!filename.endsWith('.pdf')) throw new Error(`the letter downloads as '${filename}'`);
  const failure = await download.failure();
  if (failure) throw new Error(`the letter download failed: ${failure}`);
  await page.locator('.results__empty').waitFor();
  await page.screenshot({ path: path.join(outDir, 'notify.png'), fullPage: true });
  ok(`keyboard-only notify by letter: the PDF downloads as ${filename}`);

  step('sign out');
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await username.waitFor({ state: 'visible' });
  const left = await page.evaluate(() => sessionStorage.getItem('sesame.refresh_token'));
  if (left) throw new Error('refresh token still in sessionStorage after sign-out');
  ok('signed out');
}

await runFlow('smoke', run);
