// The holder's side by e-mail (issue 14), through a local SMTP sink (e2e/smtp-sink.mjs, whose
// directory is SESAME_MAIL_DIR; scripts/e2e.sh starts it and points the demo's
// SESAME_SMTP_URL at it): a guardian known to collège 0451442Y registers from /compte, follows
// the e-mailed link, chooses a password and is « Activé » with origin « Responsable » (the
// statistics count it); reports a wrong link to a pupil; then forgets the password and
// recovers it through the now confirmed address; a spent link is refused. axe on every step.
//
//   SESAME_URL=… SESAME_MAIL_DIR=… node e2e/holder-email.flow.mjs
import {
  baseUrl,
  checkScreen,
  chooseEstablishment,
  ok,
  runFlow,
  signIn,
  signOut,
  step,
} from './lib.mjs';
import { linkIn, mailDir, messages, waitForMessage } from './mail.mjs';

const UAI = '0451442Y';
const FIRST_PASSWORD = 'Tilleul-et-menthe-2027';
const SECOND_PASSWORD = 'Verveine-du-soir-2028';

async function api(page, url) {
  const token = await page.evaluate(() => sessionStorage.getItem('sesame.access_token'));
  const r = await fetch(`${baseUrl}${url}`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
  if (!r.ok) throw new Error(`GET ${url}: ${r.status}`);
  return r.json();
}

/** « Responsable » × « Nombre de comptes activés » of the guardians' table by origin. */
async function activatedBySelfRegistration(page) {
  await page.goto(`${baseUrl}/etablissements/${UAI}/statistiques`, { waitUntil: 'domcontentloaded' });
  const table = page.getByRole('table', { name: /^Comptes responsables par origine/ });
  await table.waitFor();
  return table.evaluate((t) => {
    const headers = [...t.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    const col = headers.indexOf('Nombre de comptes activés');
    const row = [...t.querySelectorAll('tr')].find((tr) => tr.querySelector('th')?.textContent.trim() === 'Responsable');
    if (col < 0 || !row) return null;
    return Number.parseInt(row.children[col].textContent.replace(/\D/g, ''), 10);
  });
}

/** A guardian the school knows with an e-mail address, not notified, and a pupil's birth date. */
async function registrableGuardian(page) {
  const page1 = await api(page, `/api/v1/establishments/${UAI}/guardians?state=not_notified&has_email=true&per_page=50`);
  for (const g of page1.items) {
    if (g.origin === 'franceconnect' || !g.email || !g.students?.length) continue;
    const pupil = await api(page, `/api/v1/establishments/${UAI}/students/${g.students[0].id}`);
    if (!pupil.birth_date) continue;
    return { guardian: g, pupil };
  }
  throw new Error('no registrable guardian in the demo');
}

async function fillNewPassword(page, password) {
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(password);
  await page.getByLabel('Confirmation du nouveau mot de passe').fill(password);
}

async function run(page) {
  if (!mailDir) throw new Error('SESAME_MAIL_DIR is not set: start e2e/smtp-sink.mjs and point SESAME_SMTP_URL at it');
  await signIn(page, 'principal');
  await chooseEstablishment(page, UAI);
  const before = await activatedBySelfRegistration(page);
  if (before === null) throw new Error('no « Responsable » row in the guardians’ statistics');
  const { guardian, pupil } = await registrableGuardian(page);
  ok(`guardian ${guardian.identifier} (${guardian.email}), child ${pupil.first_name} born ${pupil.birth_date}; ${before} activated by self-registration`);
  await signOut(page);

  step('« Créer mon compte » from /compte');
  await page.goto(`${baseUrl}/compte`, { waitUntil: 'domcontentloaded' });
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await page.getByRole('heading', { name: 'Créer mon compte de responsable' }).waitFor();
  await page.getByLabel('Votre nom', { exact: true }).fill(guardian.family_name.toLowerCase());
  await page.getByLabel('Votre prénom', { exact: true }).fill(guardian.first_name);
  await page.getByLabel('Votre adresse électronique').fill(guardian.email);
  await page.getByLabel('Nom de l’élève', { exact: true }).fill(pupil.family_name);
  await page.getByLabel('Prénom de l’élève').fill(pupil.first_name);
  await page.getByLabel('Date de naissance de l’élève').fill(pupil.birth_date);
  await checkScreen(page, 'holder-register');
  const seen = (await messages()).length;
  await page.getByRole('button', { name: 'Recevoir le lien de création' }).click();
  await page.getByRole('heading', { name: 'Demande envoyée' }).waitFor();
  await page.getByText('Si les informations saisies correspondent à un compte').waitFor();
  await checkScreen(page, 'holder-register-sent');

  step('follow the e-mailed link, choose the password');
  const mail = await waitForMessage(guardian.email, seen);
  if (!mail.text.includes(guardian.identifier)) throw new Error('the e-mail does not tell the identifier');
  const link = linkIn(mail.text);
  await page.goto(link, { waitUntil: 'domcontentloaded' });
  await page.getByRole('heading', { name: 'Créer mon compte de responsable' }).waitFor();
  await page.getByLabel('Nouveau mot de passe', { exact: true }).waitFor();
  if (page.url().includes('jeton')) throw new Error(`the token stays in the address bar: ${page.url()}`);
  await fillNewPassword(page, FIRST_PASSWORD);
  await checkScreen(page, 'holder-register-password');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await page.getByText('Votre compte est créé et activé.').waitFor();
  const idField = page.getByLabel('Identifiant', { exact: true });
  if ((await idField.inputValue()) !== guardian.identifier) throw new Error('identifier not pre-filled after registration');
  await page.getByLabel('Mot de passe', { exact: true }).fill(FIRST_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'Mon compte', exact: true }).waitFor();
  const state = page.locator('.holder-account div', { hasText: 'État du compte' }).locator('dd');
  if ((await state.innerText()).trim() !== 'Activé') throw new Error(`state ${await state.innerText()}`);
  await page.getByText(`${guardian.email} — confirmée.`).waitFor();
  ok(`${guardian.identifier} registered and « Activé », the address the link reached confirmed`);

  step('report a wrong link, confirmed first');
  const report = page.getByRole('button', { name: /^Signaler un rattachement erroné avec / }).first();
  await report.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Confirmer le signalement' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.textContent.trim() === 'Confirmer le signalement');
  await page.getByText('n’est pas votre enfant ? L’établissement en sera informé').waitFor();
  await checkScreen(page, 'holder-report-confirm');
  await page.keyboard.press('Enter');
  await page.getByText('Rattachement signalé erroné : l’établissement en est informé.').first().waitFor();
  await checkScreen(page, 'holder-guardian-account');

  step('« Mot de passe oublié » through the confirmed address');
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByRole('button', { name: 'Mot de passe oublié ?' }).click();
  await page.getByRole('heading', { name: 'Mot de passe oublié' }).waitFor();
  await page.getByLabel('Adresse électronique').fill(guardian.email);
  await checkScreen(page, 'holder-recovery');
  const seen2 = (await messages()).length;
  await page.getByRole('button', { name: 'Recevoir un lien' }).click();
  await page.getByRole('heading', { name: 'Demande envoyée' }).waitFor();
  const resetLink = linkIn((await waitForMessage(guardian.email, seen2)).text);
  await page.goto(resetLink, { waitUntil: 'domcontentloaded' });
  await page.getByRole('heading', { name: 'Choisir un nouveau mot de passe' }).waitFor();
  await fillNewPassword(page, SECOND_PASSWORD);
  await page.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click();
  await page.getByText('Votre nouveau mot de passe est enregistré.').waitFor();
  await checkScreen(page, 'holder-recovered');
  await page.getByLabel('Mot de passe', { exact: true }).fill(SECOND_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'Mon compte', exact: true }).waitFor();
  ok('the password was replaced through the e-mailed link');

  step('the same link again is refused');
  // As a click in the mail client would: a new load, not a change of fragment in this page.
  await page.goto('about:blank');
  await page.goto(resetLink, { waitUntil: 'domcontentloaded' });
  await fillNewPassword(page, 'Encore-une-fois-2029');
  await page.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click();
  await page.locator('[role="alert"].alert--shown').getByText('Ce lien n\'est plus valable').waitFor();
  await checkScreen(page, 'holder-link-spent');

  step('the console counts the self-registration');
  await signIn(page, 'principal');
  await chooseEstablishment(page, UAI);
  const after = await activatedBySelfRegistration(page);
  if (after !== before + 1) throw new Error(`« Responsable » activated: ${after}, expected ${before + 1}`);
  ok(`statistics: ${after} guardian account(s) activated by self-registration (one more)`);
}

runFlow('holder-email', run);
