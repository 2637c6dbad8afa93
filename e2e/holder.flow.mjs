// The account holder's side, end to end (issue 14): the head of collège 0451442Y notifies a
// pupil « Non notifié », downloads the letter; its QR code, decoded from the printed page with
// zbarimg, opens Sésame's /compte with the identifier pre-filled; the pupil signs in with the
// provisional password read off the letter, chooses a password (rules ticked as typed) and the
// account is « Activé » at once: the console's list shows it and the statistics count it.
// axe-core runs on every step of the page.
//
// Needs a demo server started with SESAME_PUBLIC_URL set to its own address (scripts/e2e.sh
// does), and pdftoppm / pdftotext (poppler-utils) and zbarimg (zbar-tools).
//
//   SESAME_URL=http://127.0.0.1:8080 node e2e/holder.flow.mjs
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  baseUrl,
  checkScreen,
  chooseEstablishment,
  ok,
  outDir,
  runFlow,
  signIn,
  signOut,
  step,
  STEP_TIMEOUT_MS,
} from './lib.mjs';

const UAI = '0451442Y';
const NEW_PASSWORD = 'Cerisier-en-fleur-2027';

/** « Total » × « Nombre de comptes activés » of the pupils' table by origin. */
async function activatedPupils(page) {
  await page.goto(`${baseUrl}/etablissements/${UAI}/statistiques`, { waitUntil: 'domcontentloaded' });
  const table = page.getByRole('table', { name: /^Comptes élèves par origine/ });
  await table.waitFor();
  return table.evaluate((t) => {
    const headers = [...t.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    const col = headers.indexOf('Nombre de comptes activés');
    const total = [...t.querySelectorAll('tr')].find((tr) => tr.querySelector('th')?.textContent.trim() === 'Total');
    if (col < 0 || !total) return null;
    const cell = total.children[col];
    return Number.parseInt(cell.textContent.replace(/\D/g, ''), 10);
  });
}

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

/** The QR codes and the text of a letters PDF, read as a person with a phone would. */
function readLetter(pdfPath, work) {
  execFileSync('pdftoppm', ['-r', '200', '-png', pdfPath, path.join(work, 'page')]);
  return { text: execFileSync('pdftotext', ['-layout', pdfPath, '-']).toString('utf8') };
}

async function decodeCodes(work) {
  const codes = [];
  for (const file of (await readdir(work)).filter((f) => f.endsWith('.png')).sort()) {
    try {
      const out = execFileSync('zbarimg', ['-q', '--raw', path.join(work, file)]).toString('utf8').trim();
      if (out) codes.push(...out.split('\n'));
    } catch {
      // zbarimg exits non-zero on a page without any code (the class separator page).
    }
  }
  return codes;
}

async function run(page) {
  await signIn(page, 'principal');
  await chooseEstablishment(page, UAI);
  const activatedBefore = await activatedPupils(page);
  if (activatedBefore === null) throw new Error('no « Total » of activated pupils in the statistics');
  ok(`statistics: ${activatedBefore} pupil account(s) activated before`);

  step('notify a pupil « Non notifié » and download the letter');
  await page.goto(`${baseUrl}/etablissements/${UAI}/eleves?state=not_notified`, { waitUntil: 'domcontentloaded' });
  await page.getByRole('heading', { name: 'Gestion des comptes élèves' }).waitFor();
  if (!((await resultsCount(page)) > 0)) throw new Error('no pupil « Non notifié » left');
  const row = page.locator('table tbody tr').first();
  const identifier = (await row.locator('td.table__id').innerText()).trim();
  await row.locator('th.table__name').getByRole('button').click();
  const panel = page.getByRole('dialog', { name: /^Informations du compte/ });
  await panel.getByRole('button', { name: '(Re)Notifier le compte', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: '(Re)Notifier le compte', exact: true });
  await dialog.getByRole('button', { name: 'Confirmer', exact: true }).click();
  const outcome = panel.locator('.detail__outcome');
  await outcome.getByText('La notification a bien été effectuée pour 1 élève(s).').waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    outcome.getByRole('button', { name: 'Télécharger le courrier au format PDF' }).click(),
  ]);
  const pdfPath = path.join(outDir, 'holder-letter.pdf');
  await download.saveAs(pdfPath);
  ok(`${identifier} notified, letter saved to target/e2e/holder-letter.pdf`);

  step('read the letter: its QR code (zbarimg) and its provisional password (pdftotext)');
  const work = await mkdtemp(path.join(os.tmpdir(), 'sesame-letter-'));
  let codes;
  let text;
  try {
    ({ text } = readLetter(pdfPath, work));
    codes = await decodeCodes(work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const expected = `${baseUrl}/compte?login=${encodeURIComponent(identifier)}`;
  if (!codes.includes(expected)) throw new Error(`QR codes ${JSON.stringify(codes)}, expected ${expected}`);
  if (!text.includes(expected)) throw new Error(`the letter does not print ${expected} as its address`);
  const password = text.match(/Mot de passe provisoire : ([A-Z0-9]{8})/)?.[1];
  if (!password) throw new Error('no provisional password on the letter');
  ok(`the QR code opens ${expected}, printed as the letter's address too; provisional password read`);

  step('sign out of the console, open the decoded address as the pupil');
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  await signOut(page);
  await page.goto(codes.find((c) => c === expected), { waitUntil: 'domcontentloaded' });
  await page.getByRole('heading', { name: 'Accéder à mon compte' }).waitFor();
  const idField = page.getByLabel('Identifiant', { exact: true });
  if ((await idField.inputValue()) !== identifier) throw new Error(`identifier pre-filled: ${await idField.inputValue()}`);
  if ((await page.title()) !== 'Accéder à mon compte — Sésame') throw new Error(`title ${await page.title()}`);
  ok('the page opens with the identifier pre-filled, no staff sign-in asked');
  await checkScreen(page, 'holder-signin');

  step('a wrong password is refused without saying which part was wrong');
  await page.getByLabel('Mot de passe', { exact: true }).fill('AAAAAAAA');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.locator('[role="alert"].alert--shown').getByText('Identifiant ou mot de passe incorrect.').waitFor();
  await checkScreen(page, 'holder-signin-refused');

  step('sign in with the provisional password (keyboard: Enter submits)');
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Choisir mon mot de passe' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'holder-title');
  ok('the next step is announced: the focus is on its heading');

  step('the rules tick as the password is typed');
  const rules = page.locator('#holder-rules');
  const met = () => rules.locator('.holder-rules__rule--met').count();
  const newField = page.getByLabel('Nouveau mot de passe', { exact: true });
  await newField.pressSequentially('cerise');
  if ((await met()) !== 1) throw new Error(`after « cerise », ${await met()} rule(s) met`);
  await rules.getByText('au moins 8 caractères').waitFor();
  await checkScreen(page, 'holder-choose-partial');
  await newField.fill('');
  await newField.pressSequentially(NEW_PASSWORD);
  if ((await met()) !== 6) throw new Error(`after a good password, ${await met()} rule(s) met of 6`);
  await page.getByLabel('Confirmation du nouveau mot de passe').fill(NEW_PASSWORD);
  await page.getByLabel('Adresse électronique (facultative)').fill('pas-une-adresse');
  await page.getByRole('button', { name: 'Activer mon compte' }).click();
  await page.locator('#holder-email-error').getByText("L'adresse électronique n'est pas valide").waitFor();
  ok('a malformed e-mail is refused by the server, under its field');
  await checkScreen(page, 'holder-choose-refused');
  await page.getByLabel('Adresse électronique (facultative)').fill('');
  await page.getByRole('button', { name: 'Activer mon compte' }).click();

  step('the account is « Activé » at once');
  await page.getByRole('heading', { name: 'Mon compte', exact: true }).waitFor();
  await page.getByText('Votre mot de passe est enregistré : votre compte est activé.').waitFor();
  const state = page.locator('.holder-account div', { hasText: 'État du compte' }).locator('dd');
  if ((await state.innerText()).trim() !== 'Activé') throw new Error(`state shown: ${await state.innerText()}`);
  await page.getByText('Aucune adresse enregistrée').waitFor();
  ok(`${identifier} activated from the page; no address given, the page says what that means`);
  await checkScreen(page, 'holder-account');

  step('the provisional password no longer works; the chosen one does');
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByText('Vous êtes déconnecté.').waitFor();
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.locator('[role="alert"].alert--shown').waitFor();
  await page.getByLabel('Mot de passe', { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'Mon compte', exact: true }).waitFor();
  ok('the letter’s password is spent, the chosen one signs in');

  step('the console shows « Activé » and the statistics count it');
  await signIn(page, 'principal');
  await chooseEstablishment(page, UAI);
  await page.goto(`${baseUrl}/etablissements/${UAI}/eleves?q=${encodeURIComponent(identifier.split('.')[0])}&state=activated`, {
    waitUntil: 'domcontentloaded',
  });
  await resultsCount(page);
  const activatedRow = page.locator('table tbody tr', { has: page.locator('td.table__id', { hasText: identifier }) });
  await activatedRow.waitFor();
  ok(`« Élèves » lists ${identifier} among the « Activé »`);
  const activatedAfter = await activatedPupils(page);
  if (activatedAfter !== activatedBefore + 1) {
    throw new Error(`statistics: ${activatedAfter} activated, expected ${activatedBefore + 1}`);
  }
  ok(`statistics: ${activatedAfter} pupil account(s) activated (one more)`);

  step('« Journal » shows the pupil’s own actions, as « Titulaire de compte »');
  await page.goto(`${baseUrl}/etablissements/${UAI}/journal?actor=${encodeURIComponent(identifier)}`, { waitUntil: 'domcontentloaded' });
  const journal = page.locator('table.journal__table');
  await journal.getByText('Changement de mot de passe').first().waitFor();
  await journal.getByText('Connexion d’un titulaire de compte').first().waitFor();
  await journal.getByText('Titulaire de compte').first().waitFor();
  ok(`« Journal » lists ${identifier}'s sign-in and password change`);
  await checkScreen(page, 'holder-journal');
}

runFlow('holder', run);
