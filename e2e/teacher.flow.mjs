// The troubleshooting module as a teacher sees it at collège 0451442Y (seed §3.5, « module de
// dépannage »; seed 002): it says it is « Dépannage des comptes élèves » (heading, document
// title), only « Accueil » and « Élèves », no notification, the password column, a password
// reset done with the keyboard alone whose confirmation says when the new password is given and
// whose banner reminds the first sign-in change, a student detail without guardians and without
// « (Re)Notifier le compte », and a closed rubrique reached by URL.
//
//   SESAME_URL=http://127.0.0.1:8080 node e2e/teacher.flow.mjs
import {
  baseUrl,
  checkScreen,
  chooseEstablishment,
  chooseInMultiSelect,
  isFocused,
  ok,
  runFlow,
  signIn,
  signOut,
  step,
  tabNames,
  tabTo,
  STEP_TIMEOUT_MS,
} from './lib.mjs';

const UAI = '0451442Y';
const CLASS = '6EME3';

async function waitCount(page) {
  await page.waitForFunction(
    () => {
      const t = document.querySelector('.results__count')?.textContent || '';
      return /élève\(s\)/.test(t);
    },
    null,
    { timeout: STEP_TIMEOUT_MS },
  );
  return Number.parseInt(await page.locator('.results__count').innerText(), 10);
}

async function run(page) {
  await signIn(page, 'teacher');
  await chooseEstablishment(page, UAI);

  step('the module says it is « Dépannage des comptes élèves »');
  const heading = page.getByRole('heading', { level: 2, name: /^Dépannage des comptes élèves/ });
  await heading.waitFor();
  await page.waitForFunction(() => document.title.includes('Dépannage des comptes élèves'), null, { timeout: STEP_TIMEOUT_MS });
  await page.getByText('Bienvenue dans le module « Dépannage des comptes élèves »').waitFor();
  ok(`heading « ${(await heading.innerText()).replace(/\s+/g, ' ').trim()} », title « ${await page.title()} »`);
  await checkScreen(page, 'teacher-heading');

  step('the tabs are exactly « Accueil » and « Élèves »');
  const tabs = page.getByRole('navigation', { name: 'Rubriques de l’établissement' });
  await tabs.getByRole('link', { name: 'Élèves', exact: true }).waitFor();
  const names = await tabNames(page);
  if (names.join('|') !== 'Accueil|Élèves') throw new Error(`tabs are ${JSON.stringify(names)}`);
  ok('tabs: Accueil, Élèves');

  step('search the students of a class with state « Notifié et non activé »');
  await tabs.getByRole('link', { name: 'Élèves', exact: true }).click();
  await page.getByRole('heading', { name: 'Gestion des comptes élèves' }).waitFor();
  await page.waitForFunction(() => document.title.startsWith('Élèves — Dépannage des comptes élèves'), null, { timeout: STEP_TIMEOUT_MS });
  await waitCount(page);
  if (await page.getByRole('button', { name: '(Re)notifier les comptes' }).count()) {
    throw new Error('the troubleshooting module offers « (Re)notifier les comptes »');
  }
  await page.getByRole('button', { name: 'Lister les comptes' }).waitFor();
  await chooseInMultiSelect(page, 'Classe(s)', [CLASS]);
  await page.getByLabel('Notifié et non activé', { exact: true }).check();
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await page.waitForURL((u) => u.search.includes(`class=${CLASS}`));
  await page.waitForFunction(() => !/en cours/.test(document.querySelector('.results__count')?.textContent || ''));
  const found = await waitCount(page);
  if (!(found > 0)) throw new Error(`no notified-not-activated student in ${CLASS}`);
  const headers = (await page.locator('table thead th').allInnerTexts()).map((t) => t.replace(/[▲▼↕]/g, '').trim());
  if (!headers.includes('Mot de passe')) throw new Error(`no password column: ${JSON.stringify(headers)}`);
  const rows = page.locator('table tbody tr');
  const passwords = (await rows.locator('td.table__password').allInnerTexts()).map((t) => t.trim());
  if (!passwords.every((p) => /^[A-HJ-NP-Z2-9]{8}$/.test(p))) {
    throw new Error(`provisional passwords not shown: ${JSON.stringify(passwords)}`);
  }
  ok(`${found} student(s); the « Mot de passe » column shows their provisional passwords`);
  await checkScreen(page, 'teacher-eleves');

  step('reset the first student’s password with the keyboard only');
  const first = rows.first();
  const identifier = (await first.locator('td.table__id').innerText()).trim();
  const before = (await first.locator('td.table__password').innerText()).trim();
  const rowButton = first.getByRole('button', { name: /^Réinitialiser le mot de passe/ });
  await page.getByLabel('Nom ou prénom').focus();
  await tabTo(page, rowButton, 'Tab', 80);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Réinitialiser les mots de passe' });
  await dialog.waitFor({ state: 'visible' });
  await dialog.getByText('Êtes-vous sûr de vouloir réinitialiser le mot de passe de ce compte ?').waitFor();
  const when = (await dialog.locator('#dialog-when').innerText()).replace(/\s+/g, ' ');
  for (const words of ['dès que vous confirmez', 'dans le bandeau', 'à l’élève', 'colonne « Mot de passe »']) {
    if (!when.includes(words)) throw new Error(`the confirmation does not say « ${words} »: ${when}`);
  }
  ok(`the confirmation says when: ${when}`);
  await checkScreen(page, 'teacher-reset-dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  if (!(await isFocused(rowButton))) throw new Error('Escape did not give the focus back to the row button');
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'visible' });
  await tabTo(page, dialog.getByRole('button', { name: 'Confirmer', exact: true }));
  await page.keyboard.press('Enter');
  const banner = page.locator('.banner[role="status"]');
  await banner.getByText('a bien été réinitialisé').waitFor();
  const text = (await banner.innerText()).replace(/\s+/g, ' ').trim();
  const password = (await banner.locator('strong.password').innerText()).trim();
  if (!/^[A-HJ-NP-Z2-9]{8}$/.test(password)) throw new Error(`unexpected password '${password}'`);
  if (!text.includes(`de l’élève ${identifier} a bien été réinitialisé`)) throw new Error(`banner: ${text}`);
  if (!(await banner.evaluate((b) => b === document.activeElement))) throw new Error('focus is not on the banner');
  await page.waitForFunction(
    ([id, pw]) =>
      [...document.querySelectorAll('table tbody tr')].some(
        (tr) => tr.querySelector('td.table__id')?.textContent.trim() === id &&
          tr.querySelector('td.table__password')?.textContent.trim() === pw,
      ),
    [identifier, password],
    { timeout: STEP_TIMEOUT_MS },
  );
  if (password === before) throw new Error('the password did not change');
  await banner.getByText('L’élève devra obligatoirement le remplacer par un mot de passe de son choix à sa première connexion.').waitFor();
  await checkScreen(page, 'teacher-banner');
  ok(`keyboard-only reset: ${identifier} gets ${password}, shown in the banner and the table`);

  step('the detail panel shows the student as the troubleshooting screen does: no guardian');
  const nameButton = rows.first().locator('th.table__name').getByRole('button');
  await nameButton.click();
  const detail = page.getByRole('dialog', { name: /Informations du compte/ });
  await detail.getByText('Informations des sources de données').waitFor();
  await detail.getByText('Courrier électronique').waitFor();
  const detailText = await detail.innerText();
  if (await detail.getByRole('button', { name: '(Re)Notifier le compte' }).count()) {
    throw new Error('the troubleshooting module offers « (Re)Notifier le compte »');
  }
  for (const hidden of ['Responsables rattachés', 'Téléphone']) {
    if (detailText.includes(hidden)) throw new Error(`the teacher's detail shows « ${hidden} »`);
  }
  await checkScreen(page, 'teacher-detail');
  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'detached' });
  ok('no guardian and no phone number in the teacher’s detail');

  step('a closed rubrique reached by URL');
  await page.goto(`${baseUrl}/etablissements/${UAI}/responsables`, { waitUntil: 'domcontentloaded' });
  await page.getByText('n’est pas ouverte à votre profil').waitFor();
  const closed = (await page.locator('[role="alert"]').filter({ hasText: 'pas ouverte' }).innerText()).trim();
  if (!closed.includes('« Responsables »')) throw new Error(`message: ${closed}`);
  ok(`/responsables says: ${closed}`);
  await checkScreen(page, 'teacher-responsables');

  await signOut(page);
}

await runFlow('teacher', run);
