// The head of establishment's administration screens, against a running demo server:
// « Statistiques » (the open section kept in the URL), « Paramétrage » (students' address
// entered and verified — « Activer » offered only once verified), « Import des données »
// (preview of a Sésame CSV built from the served template: it would mark the collège's pupils
// as left, so the apply dialog asks to confirm them, with their number; Escape cancels, and
// the confirmed apply sends allow_mass_leave=true — intercepted, the demo data stays as is),
// « Délégations » (a field error, a grant, a revocation confirmed in a modal dialog),
// « Journal » (those actions listed, filtered by action); then the delegated agent, who has
// no « Délégations » tab. axe on every screen.
//
//   SESAME_URL=http://127.0.0.1:8080 node e2e/admin.flow.mjs
import { writeFile } from 'node:fs/promises';
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
  tabNames,
  tabTo,
} from './lib.mjs';
import { secondsLeft } from './totp.mjs';

const UAI = '0451442Y';
const STUDENTS_URL = 'https://ent.example.org/eleves';
// Another school's ENT administrator: a delegation here touches no other flow's screens,
// and it is revoked at once.
const DELEGATE = 'ent-admin';
const DELEGATE_NAME = 'Mme Martine Vuillemin';

// A TOTP code is accepted once: when another flow (or a previous run) has just signed the same
// person in during this 30-second step, wait for the next code and try again.
async function signInOnce(page, username) {
  try {
    await signIn(page, username);
  } catch (e) {
    if (!/TOTP refused/.test(e.message)) throw e;
    const wait = secondsLeft() * 1000 + 1500;
    ok(`TOTP code already used for ${username}: retrying with the next one in ${Math.round(wait / 1000)} s`);
    await page.waitForTimeout(wait);
    await signIn(page, username);
  }
}

const tabsNav = (page) => page.getByRole('navigation', { name: 'Rubriques de l’établissement' });

async function openTab(page, name) {
  step(`open the « ${name} » tab`);
  const link = tabsNav(page).getByRole('link', { name, exact: true });
  await link.click();
  if ((await link.getAttribute('aria-current')) !== 'page') {
    throw new Error(`« ${name} » is not marked as the current tab`);
  }
}

async function statistics(page) {
  await openTab(page, 'Statistiques');
  await page.getByRole('heading', { name: 'Synthèse des comptes élèves de la structure', exact: true }).waitFor();
  const students = page.getByRole('table', { name: /^Comptes élèves par origine/ });
  const guardians = page.getByRole('table', { name: /^Comptes responsables par origine/ });
  await students.waitFor();
  await guardians.waitFor();
  await guardians.getByRole('columnheader', { name: 'Nombre de comptes en cours d’activation' }).waitFor();
  if ((await students.getByRole('columnheader', { name: 'Nombre de comptes en cours d’activation' }).count()) !== 0) {
    throw new Error('the students’ table has an « en cours d’activation » column');
  }
  await students.locator('tfoot').getByRole('rowheader', { name: 'Total' }).waitFor();
  ok('students’ and guardians’ tables by origin, with their totals (guardians: « en cours d’activation »)');

  step('open the students’ section by class');
  await page.getByRole('button', { name: 'Synthèse des comptes élèves de la structure par classe', exact: true }).click();
  await page.waitForURL(/\/statistiques\?ouvert=eleves-classe$/);
  const byClass = page.getByRole('table', { name: /^Comptes élèves par classe/ });
  await byClass.waitFor();
  const rows = await byClass.locator('tbody tr').count();
  if (rows < 1) throw new Error('no class row in the students’ table');
  await page.getByText(/^Calculées le \d\d\/\d\d\/\d{4} à \d\d:\d\d\.$/).first().waitFor();
  ok(`by class: ${rows} class row(s), « Calculées le … » shown`);

  step('reload: the open section is kept');
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.getByRole('table', { name: /^Comptes élèves par classe/ }).waitFor();
  ok('the open section survives a reload (?ouvert=eleves-classe)');
  await checkScreen(page, 'statistiques');
}

async function settings(page) {
  await openTab(page, 'Paramétrage');
  const section = page.getByRole('region', { name: 'Élèves', exact: true });
  await section.waitFor();
  await page.getByRole('region', { name: 'Responsables', exact: true }).waitFor();
  await checkScreen(page, 'parametrage');

  const deactivate = section.getByRole('button', { name: 'Désactiver' });
  if (await deactivate.isVisible()) {
    step('deactivate the active students’ address before editing it');
    await deactivate.click();
    await section.getByText('L’adresse est désactivée').waitFor();
  }
  step(`enter ${STUDENTS_URL} and verify it`);
  const field = section.getByLabel('Adresse internet des élèves');
  await field.fill(STUDENTS_URL);
  const activate = section.getByRole('button', { name: 'Activer', exact: true });
  const verify = section.getByRole('button', { name: /[Vv]érifier/ });
  await verify.click();
  const success = section.getByText('L’adresse a bien été vérifiée');
  const failure = section.locator('[role="alert"].alert--shown');
  await success.or(failure).first().waitFor({ timeout: 25_000 });
  if (await failure.isVisible()) {
    const message = (await failure.innerText()).trim();
    if (!/^Adresse non vérifiée/.test(message)) {
      throw new Error(`unexpected verification message: ${message}`);
    }
    // The reason, in French, under the field and tied to it by aria-describedby.
    const reason = (await section.locator('#url-students-error').innerText()).trim();
    if (!/^L.adresse /.test(reason)) throw new Error(`unexpected verification reason: ${reason}`);
    if (!(await field.getAttribute('aria-describedby')).split(' ').includes('url-students-error')) {
      throw new Error('the reason is not tied to the field');
    }
    if ((await field.getAttribute('aria-invalid')) !== 'true') throw new Error('the field is not marked invalid');
    if ((await activate.count()) !== 0) throw new Error('« Activer » offered after a failed verification');
    await section.getByText('Adresse non vérifiée.', { exact: true }).waitFor();
    ok(`verification failed (no network to example.org?), French message shown: « ${message} » / « ${reason} »; « Activer » not offered`);
  } else {
    await activate.waitFor();
    ok('verification succeeded and « Activer » is offered');
    step('activate, then deactivate the address');
    await activate.click();
    await section.getByText('L’adresse est activée').waitFor();
    await section.getByRole('button', { name: 'Désactiver' }).click();
    await section.getByText('L’adresse est désactivée').waitFor();
    ok('activated then deactivated');
  }
  await checkScreen(page, 'parametrage-verification');
}

async function importPreview(page) {
  step('fetch the Sésame CSV template');
  const template = await page.request.get(`${baseUrl}/api/v1/imports/template.csv`);
  if (template.status() === 404) {
    ok('skipped - import preview: GET /api/v1/imports/template.csv answers 404 (endpoint not ready)');
    return;
  }
  if (!template.ok()) throw new Error(`template answered ${template.status()}`);
  const text = await template.text();
  const header = text.split(/\r?\n/)[0];
  if (!header.startsWith('eleve_id;')) throw new Error(`unexpected template header: ${header}`);
  // The template's header and its two example rows, plus one more pupil.
  const csv = `${text.trimEnd()}\nE9001;;Essai;;Camille;05/06/2013;6A;;;;;R9001;Essai;;Dominique;Mme;Mère;oui;;;;;;;;;;;\n`;
  const file = path.join(outDir, 'admin-import.csv');
  await writeFile(file, csv, 'utf8');

  step('preview the import');
  const panel = page.locator('.import');
  await page.getByRole('heading', { name: 'Import des données' }).waitFor();
  await page.getByRole('radio', { name: 'CSV Sésame' }).check();
  const link = page.getByRole('link', { name: /Télécharger le modèle CSV Sésame/ });
  if ((await link.getAttribute('href')) !== '/api/v1/imports/template.csv') throw new Error('template link');
  await page.getByLabel('Fichiers à importer').setInputFiles(file);
  await page.getByText('1 fichier choisi.').waitFor();
  await page.getByRole('button', { name: 'Prévisualiser' }).click();
  const report = page.getByRole('heading', { name: 'Aperçu de l’import' });
  const refused = panel.locator('[role="alert"].alert--shown');
  await report.or(refused).first().waitFor({ timeout: 60_000 });
  if (await refused.isVisible()) {
    const message = (await refused.innerText()).trim();
    if (/pas disponible/.test(message)) {
      ok(`skipped - import preview: ${message}`);
      return;
    }
    throw new Error(`the preview was refused: ${message}`);
  }
  await page.getByRole('table', { name: 'Effet de l’import par population' }).waitFor();
  await page.getByText(/aucune donnée n’a encore été modifiée/).waitFor();
  const changes = page.getByRole('table', { name: /^Modifications : / });
  if ((await changes.count()) > 0) {
    ok(`preview: ${(await changes.locator('caption').innerText()).trim()}`);
  } else {
    ok('preview: no change');
  }
  await checkScreen(page, 'import-apercu');

  // The demo collège has 600 pupils and this file lists 3: applying it would mark 600 of
  // them as left, which the server refuses unless confirmed (allow_mass_leave=true).
  step('the preview states how many pupils would leave');
  const leaving = panel.locator('.import__leaving');
  await leaving.waitFor();
  const leavingText = (await leaving.innerText()).trim();
  const m = /scolarisés : ([\d\s\u202f\u00a0]+) ; sortis par cet import : ([\d\s\u202f\u00a0]+)\./.exec(leavingText);
  if (!m) throw new Error(`no leaving count: « ${leavingText} »`);
  const num = (t) => Number(t.replace(/\D/g, ''));
  const [current, left] = [num(m[1]), num(m[2])];
  if (!(left > 5 && left * 10 > current)) throw new Error(`expected a mass leave, got ${left} of ${current}`);
  await panel.getByRole('cell', { name: 'Confirmation demandée avant d’appliquer' }).waitFor();
  ok(`preview: ${left} of ${current} pupils would leave, confirmation announced`);

  const apply = page.getByRole('button', { name: 'Appliquer l’import' });
  await apply.waitFor();
  step('the apply dialog asks to confirm the leaving pupils, with their number; Escape cancels');
  await apply.click();
  const dialogName = new RegExp(`^Confirmer la sortie de ${left} élève`);
  const dialog = page.getByRole('dialog', { name: dialogName });
  await dialog.waitFor();
  await dialog.getByText(new RegExp(`Cet import marquerait ${left} élève\\(s\\) sur ${current} comme sorti`)).waitFor();
  if (!(await dialog.evaluate((el) => el.contains(document.activeElement)))) {
    throw new Error('focus did not move into the apply dialog');
  }
  await checkScreen(page, 'import-confirmation-sorties');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  if (!(await isFocused(apply))) throw new Error('focus did not come back to « Appliquer l’import »');
  ok('« Appliquer l’import » asks to confirm the mass leave; Escape cancels and gives the focus back');

  step('confirming with the keyboard sends allow_mass_leave=true (answered here: the shared demo data stays as is)');
  const sent = [];
  const pattern = `**/api/v1/establishments/${UAI}/imports?**`;
  await page.route(pattern, async (route) => {
    const url = route.request().url();
    sent.push(url);
    await route.fulfill({
      status: 409,
      contentType: 'application/problem+json',
      body: JSON.stringify({
        type: 'https://sesame.example/problems/conflict',
        title: 'Conflit',
        status: 409,
        detail: `E2E : requête interceptée (${url.includes('allow_mass_leave=true') ? 'confirmée' : 'non confirmée'}).`,
      }),
    });
  });
  await apply.focus();
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  await tabTo(page, dialog.getByRole('button', { name: 'Confirmer les sorties et appliquer l’import' }));
  await page.keyboard.press('Enter');
  await panel.locator('[role="alert"].alert--shown', { hasText: 'requête interceptée (confirmée)' }).waitFor();
  await page.unroute(pattern);
  if (sent.length !== 1 || !/[?&]allow_mass_leave=true(&|$)/.test(sent[0]) || /dry_run=true/.test(sent[0])) {
    throw new Error(`the apply sent: ${sent.join(' ; ')}`);
  }
  ok(`the confirmed apply sent ${new URL(sent[0]).search}`);
}

async function delegations(page) {
  await openTab(page, 'Délégations');
  const table = page.getByRole('table', { name: /^Délégations en cours/ });
  await table.waitFor();
  await table.getByRole('row', { name: /M\. Karim Benali/ }).getByText('Administration des comptes').waitFor();
  await table.getByRole('row', { name: /Mme Sophie Lambert/ }).getByText('Dépannage des comptes élèves').waitFor();
  ok('the demo’s delegations are listed with their module');

  step('grant to an unknown username: field error');
  const username = page.getByLabel('Identifiant du personnel');
  await username.fill('personne-inconnue');
  await page.getByRole('button', { name: 'Déléguer' }).click();
  await page.locator('#delegation-username-error', { hasText: 'Aucun personnel actif avec cet identifiant.' }).waitFor();
  if ((await username.getAttribute('aria-invalid')) !== 'true') throw new Error('the username is not marked invalid');
  if (!(await isFocused(username))) throw new Error('focus did not go back to the username');
  ok('an unknown username is refused on its field');

  step(`grant « Dépannage des comptes élèves » to ${DELEGATE}`);
  await username.fill(DELEGATE);
  await page.getByRole('radio', { name: 'Dépannage des comptes élèves' }).check();
  await page.getByRole('button', { name: 'Déléguer' }).click();
  await page.getByText(`a été accordée à ${DELEGATE_NAME} (${DELEGATE})`).waitFor();
  const row = table.getByRole('row', { name: new RegExp(DELEGATE_NAME) });
  await row.waitFor();
  ok('delegation granted and listed');
  await checkScreen(page, 'delegations');

  step('revoke it: the dialog, Escape, then confirm');
  const revoke = row.getByRole('button', { name: /^Révoquer/ });
  await revoke.click();
  const dialog = page.getByRole('dialog', { name: 'Révoquer la délégation' });
  await dialog.waitFor();
  if ((await dialog.getAttribute('aria-modal')) !== 'true') throw new Error('dialog not aria-modal');
  if (!(await dialog.evaluate((el) => el.contains(document.activeElement)))) {
    throw new Error('focus did not move into the dialog');
  }
  await dialog.getByText(`Êtes-vous sûr de vouloir révoquer la délégation « Dépannage des comptes élèves » de ${DELEGATE_NAME}`).waitFor();
  await checkScreen(page, 'delegations-dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  if (!(await isFocused(revoke))) throw new Error('focus did not come back to « Révoquer »');
  await revoke.click();
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Révoquer', exact: true }).click();
  await page.getByText(`de ${DELEGATE_NAME} a été révoquée`).waitFor();
  await row.waitFor({ state: 'detached' });
  ok('delegation revoked after confirmation');
}

async function journal(page) {
  await openTab(page, 'Journal');
  const table = page.getByRole('table', { name: /^Journal des actions/ });
  await table.waitFor();
  for (const label of ['Délégation révoquée', 'Délégation accordée', 'Adresse de notification saisie']) {
    await table.getByRole('rowheader', { name: label, exact: true }).first().waitFor();
  }
  const when = (await table.locator('tbody tr').first().locator('td').first().innerText()).trim();
  if (!/^\d\d\/\d\d\/\d{4} \d\d:\d\d$/.test(when)) throw new Error(`date written « ${when} »`);
  ok(`the journal lists the grant, the revocation and the address change (latest at ${when})`);

  step('filter by action');
  await page.getByLabel('Action', { exact: true }).selectOption('delegation.grant');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.waitForURL(/\/journal\?action=delegation\.grant$/);
  await table.getByText(`Personnel : ${DELEGATE}`).first().waitFor();
  const actions = await table.locator('tbody th[scope="row"]').allInnerTexts();
  if (actions.length === 0 || actions.some((a) => a.trim() !== 'Délégation accordée')) {
    throw new Error(`filtered journal shows: ${actions.join(', ')}`);
  }
  ok(`filtered on « Délégation accordée »: ${actions.length} event(s)`);

  step('filter from today (local date)');
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
  await page.getByLabel('Du', { exact: true }).fill(today);
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.waitForURL(new RegExp(`/journal\\?action=delegation\\.grant&from=${today}$`));
  await table.getByText(`Personnel : ${DELEGATE}`).first().waitFor();
  ok(`filtered from ${today}: today's grant still listed`);
  await checkScreen(page, 'journal');
}

runFlow('admin', async (page) => {
  await signInOnce(page, 'principal');
  await chooseEstablishment(page, UAI);
  const names = await tabNames(page);
  for (const t of ['Statistiques', 'Paramétrage', 'Délégations', 'Journal']) {
    if (!names.includes(t)) throw new Error(`no « ${t} » tab for the head: ${names.join(', ')}`);
  }
  ok(`the head's tabs: ${names.join(', ')}`);

  await statistics(page);
  await settings(page);
  await importPreview(page);
  await delegations(page);
  await journal(page);
  await signOut(page);

  await signInOnce(page, 'agent');
  await chooseEstablishment(page, UAI);
  const agentTabs = await tabNames(page);
  if (agentTabs.includes('Délégations')) throw new Error('the agent is offered « Délégations »');
  ok(`the agent's tabs, without « Délégations »: ${agentTabs.join(', ')}`);
});
