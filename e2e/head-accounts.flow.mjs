// The head of establishment's account screens at collège 0451442Y (admin module, TOTP):
// « Élèves » searched by class and state, a row's « Informations du compte », « Lister les
// comptes » as CSV, the whole search selected and (re)notified through a job with its progress
// bar, « Responsables » searched and one guardian renotified, « Élèves extérieurs ».
//
//   SESAME_URL=http://127.0.0.1:8080 node e2e/head-accounts.flow.mjs
import { readFile } from 'node:fs/promises';
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
  STEP_TIMEOUT_MS,
} from './lib.mjs';

const UAI = '0451442Y';
const LP_UAI = '0450750W';
const CLASS = '6EME2';

/** Waits until the results count says something other than « Recherche en cours… ». */
async function resultsCount(page, noun) {
  await page.waitForFunction(
    (n) => {
      const t = document.querySelector('.results__count')?.textContent || '';
      return t.includes(n) && !t.includes('en cours');
    },
    noun,
    { timeout: STEP_TIMEOUT_MS },
  );
  const text = (await page.locator('.results__count').innerText()).trim();
  return Number.parseInt(text, 10);
}

async function run(page) {
  await signIn(page, 'principal');
  await chooseEstablishment(page, UAI);
  const tabs = page.getByRole('navigation', { name: 'Rubriques de l’établissement' });

  step('open « Élèves » and search by class and state');
  await tabs.getByRole('link', { name: 'Élèves', exact: true }).click();
  await page.getByRole('heading', { name: 'Gestion des comptes élèves' }).waitFor();
  await resultsCount(page, 'élève(s)');

  step('« Suivant » continues by cursor');
  const firstRow = await page.locator('table tbody tr').first().innerText();
  const nextRequest = page.waitForRequest((r) => r.url().includes('/students?') && r.url().includes('after='));
  await page.getByRole('navigation', { name: 'Pagination des résultats' }).getByRole('button', { name: 'Suivant' }).click();
  const asked = new URL((await nextRequest).url());
  await page.waitForURL((u) => u.searchParams.get('after') === asked.searchParams.get('after'));
  await page.waitForFunction((before) => {
    const row = document.querySelector('table tbody tr');
    return row && row.innerText !== before;
  }, firstRow, { timeout: STEP_TIMEOUT_MS });
  const where = await page.locator('.pagination__range').innerText();
  if (!/^51 à 100 sur \d+ élève\(s\)$/.test(where.trim())) throw new Error(`after « Suivant »: ${where}`);
  ok(`« Suivant » asks the API for the rows after the cursor (${asked.searchParams.get('after').slice(0, 12)}…) and shows page 2`);
  await page.goBack();
  await resultsCount(page, 'élève(s)');

  step('search by class and state');
  await chooseInMultiSelect(page, 'Classe(s)', [CLASS]);
  await page.getByLabel('Notifié et non activé', { exact: true }).check();
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await page.waitForURL((u) => u.search.includes(`class=${CLASS}`) && u.search.includes('state=notified_not_activated'));
  const found = await resultsCount(page, 'élève(s)');
  if (!(found > 0)) throw new Error(`no notified-not-activated student in ${CLASS}`);
  const rows = page.locator('table tbody tr');
  await page.waitForFunction((n) => document.querySelectorAll('table tbody tr').length === n, Math.min(found, 50));
  const classes = await rows.locator('td:nth-child(3)').allInnerTexts();
  const states = await rows.locator('td.table__state').allInnerTexts();
  if (!classes.every((c) => c.trim() === CLASS)) throw new Error(`classes ${JSON.stringify(classes)}`);
  if (!states.every((s) => s.trim() === 'Notifié et non activé')) throw new Error(`states ${JSON.stringify(states)}`);
  ok(`class ${CLASS} + « Notifié et non activé » finds ${found} student(s), all of that class and state`);

  step('sort by identifier with the keyboard (aria-sort)');
  const idHeader = page.locator('thead th').filter({ has: page.getByRole('button', { name: /^Identifiant/ }) });
  await idHeader.getByRole('button').focus();
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.search.includes('sort=identifier'));
  await page.waitForFunction(() => document.querySelector('th[aria-sort]')?.textContent.includes('Identifiant'));
  if ((await idHeader.getAttribute('aria-sort')) !== 'ascending') throw new Error('identifier column not ascending');
  await resultsCount(page, 'élève(s)');
  const ids = (await rows.locator('td.table__id').allInnerTexts()).map((t) => t.trim());
  const sorted = [...ids].sort();
  if (ids.join() !== sorted.join()) throw new Error(`not sorted by identifier: ${ids.join(', ')}`);
  ok('Enter on « Identifiant » sorts the rows by identifier, aria-sort=ascending, URL keeps it');

  step('reload keeps the search');
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.getByRole('heading', { name: 'Gestion des comptes élèves' }).waitFor();
  if ((await resultsCount(page, 'élève(s)')) !== found) throw new Error('reload lost the search');
  if (!(await page.getByLabel('Notifié et non activé', { exact: true }).isChecked())) {
    throw new Error('state box not ticked after reload');
  }
  ok('a reload restores the class, state and sort');
  await checkScreen(page, 'head-eleves');

  step('open the first row’s detail panel');
  const nameButton = rows.first().locator('th.table__name').getByRole('button');
  const name = (await nameButton.innerText()).trim();
  await nameButton.focus();
  await page.keyboard.press('Enter');
  const detail = page.getByRole('dialog', { name: /Informations du compte/ });
  await detail.waitFor({ state: 'visible' });
  await detail.getByText('Informations des sources de données').waitFor();
  await detail.getByText('Responsables rattachés au compte').first().waitFor();
  await detail.getByText('Date de naissance').waitFor();
  if (!(await detail.evaluate((d) => d.contains(document.activeElement)))) throw new Error('focus not in the detail');
  await detail.getByRole('button', { name: 'Modifier le compte' }).waitFor();
  await detail.getByRole('button', { name: 'Regénérer l’identifiant' }).waitFor();
  await checkScreen(page, 'detail');

  step('« Modifier le compte » shows the field error next to the field');
  await detail.getByRole('button', { name: 'Modifier le compte' }).click();
  const email = detail.getByLabel('Courrier électronique');
  await email.fill('pas-une-adresse');
  await detail.getByRole('button', { name: 'Enregistrer' }).click();
  await detail.locator('#detail-email-error').getByText(/invalide/i).waitFor();
  if ((await email.getAttribute('aria-invalid')) !== 'true') throw new Error('email not aria-invalid');
  await detail.getByRole('button', { name: 'Annuler la modification' }).click();
  ok('a bad email is refused with the server’s message beside the field');
  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'detached' });
  if (!(await isFocused(nameButton))) throw new Error('focus did not come back to the row name');
  ok(`the detail of ${name} opens with Enter, closes with Escape, focus returns`);

  step('« Regénérer l’identifiant »: refused when sources differ, then scheduled and cancelled');
  const openDetailOf = async (q, cls, first) => {
    await page.goto(`${baseUrl}/etablissements/${UAI}/eleves?q=${encodeURIComponent(q)}&class=${cls}`, { waitUntil: 'domcontentloaded' });
    await page.getByRole('heading', { name: 'Gestion des comptes élèves' }).waitFor();
    await resultsCount(page, 'élève(s)');
    await page.locator('table tbody tr th.table__name', { hasText: first }).getByRole('button').click();
    const d = page.getByRole('dialog', { name: new RegExp(`Informations du compte : ${first}`) });
    await d.getByText('Informations des sources de données').waitFor();
    return d;
  };
  let d = await openDetailOf('Dupont', '4EME2', 'Céline');
  await d.getByRole('button', { name: 'Regénérer l’identifiant' }).click();
  await d.getByRole('button', { name: 'Confirmer la regénération' }).click();
  const refusal = d.locator('[role="alert"].alert--shown');
  await refusal.waitFor();
  const refusalText = await refusal.innerText();
  if (!/SIECLE/.test(refusalText) || !/AAF/.test(refusalText)) throw new Error(`refusal does not name the sources: ${refusalText}`);
  ok(`regeneration refused for Céline Dupont: ${refusalText.replace(/\s+/g, ' ')}`);
  await page.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });
  d = await openDetailOf('Lemaire', '3EME1', 'Kévin');
  await d.getByRole('button', { name: 'Regénérer l’identifiant' }).click();
  await d.getByRole('button', { name: 'Confirmer la regénération' }).click();
  await d.getByText(/Le nouvel identifiant kevin\.lemaire\S* remplacera kevin\.lemaitre114/).waitFor();
  await d.getByText(/Changement d’identifiant programmé : kevin\.lemaire/).waitFor();
  await checkScreen(page, 'detail-regenerate');
  await d.getByRole('button', { name: 'Annuler le changement d’identifiant' }).click();
  await d.getByText('Le changement d’identifiant programmé a été annulé.').waitFor();
  await d.getByText(/Changement d’identifiant programmé/).waitFor({ state: 'detached' });
  ok('Kévin Lemaire’s new identifier is scheduled, shown as pending, then cancelled');
  await d.getByRole('button', { name: 'Fermer' }).click();
  await d.waitFor({ state: 'detached' });
  await page.goto(`${baseUrl}/etablissements/${UAI}/eleves?class=${CLASS}&state=notified_not_activated&sort=identifier`, { waitUntil: 'domcontentloaded' });
  await page.getByRole('heading', { name: 'Gestion des comptes élèves' }).waitFor();
  if ((await resultsCount(page, 'élève(s)')) !== found) throw new Error('back to the class search: wrong count');

  step('« Lister les comptes » as CSV for the selected page');
  await page.getByLabel('Sélectionner la page').check();
  await page.getByText(`${Math.min(found, 50)} élève(s) sélectionné(s)`, { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Lister les comptes' }).click();
  const listDialog = page.getByRole('dialog', { name: 'Lister les comptes' });
  await listDialog.getByLabel('Exporter la liste des élèves (format csv)').check();
  const [csvDownload] = await Promise.all([
    page.waitForEvent('download'),
    listDialog.getByRole('button', { name: 'Confirmer', exact: true }).click(),
  ]);
  const csvPath = await csvDownload.path();
  const csv = (await readFile(csvPath, 'utf8')).replace(/^\uFEFF/, '');
  const [header, ...lines] = csv.split(/\r?\n/).filter((l) => l.length > 0);
  const expected = 'UAI;Établissement;Nom élève;Prénom élève;MEF;Classe;État du compte;Identifiant;Mot de passe;Date de notification;Date de dernière connexion';
  if (header !== expected) throw new Error(`CSV header is '${header}'`);
  if (lines.length !== Math.min(found, 50)) throw new Error(`CSV has ${lines.length} rows, expected ${found}`);
  if (!csvDownload.suggestedFilename().endsWith('.csv')) throw new Error(`CSV named ${csvDownload.suggestedFilename()}`);
  await page.locator('.banner').getByText('La liste des comptes a été téléchargée').waitFor();
  ok(`CSV list downloads as ${csvDownload.suggestedFilename()} with the seed's header and ${lines.length} rows`);

  step('select the whole search (« Activé », several pages) and notify it by letter as a job');
  await page.getByRole('button', { name: 'Réinitialiser', exact: true }).click();
  await resultsCount(page, 'élève(s)');
  await page.getByLabel('Activé', { exact: true }).check();
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await page.waitForURL((u) => u.search === '?state=activated');
  const activated = await resultsCount(page, 'élève(s)');
  if (!(activated > 300)) throw new Error(`only ${activated} activated students: no job`);
  await page.getByRole('navigation', { name: 'Pagination des résultats' }).getByText(`1 à 50 sur ${activated} élève(s)`).waitFor();
  await page.getByLabel('Sélectionner la page').check();
  const all = page.getByRole('button', { name: `Sélectionner les ${activated} comptes correspondant à la recherche` });
  await all.click();
  await page.getByText(`${activated} élève(s) sélectionné(s)`, { exact: true }).waitFor();
  await page.evaluate(() => {
    window.__sawJobProgress = false;
    new MutationObserver(() => {
      const p = document.querySelector('#action-progress');
      if (p && p.hasAttribute('max')) window.__sawJobProgress = true;
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await page.getByRole('button', { name: '(Re)notifier les comptes' }).click();
  const notifyDialog = page.getByRole('dialog', { name: '(Re)notifier les comptes' });
  await notifyDialog.getByText('Tous les comptes de la recherche seront (re)notifiés').waitFor();
  if (await notifyDialog.getByLabel('Courriel').count()) throw new Error('email channel offered for students');
  await notifyDialog.getByRole('button', { name: 'Confirmer', exact: true }).click();
  const banner = page.locator('.banner[role="status"]');
  const letter = banner.getByRole('button', { name: 'Télécharger le courrier au format PDF' });
  await letter.waitFor({ state: 'visible', timeout: 120_000 });
  if (!(await page.evaluate(() => window.__sawJobProgress))) throw new Error('no job progress bar was shown');
  await banner.getByText(`La notification a bien été effectuée pour ${activated} élève(s).`).waitFor();
  const [pdf] = await Promise.all([page.waitForEvent('download'), letter.click()]);
  if (!pdf.suggestedFilename().endsWith('.pdf')) throw new Error(`letters named ${pdf.suggestedFilename()}`);
  if (await pdf.failure()) throw new Error(`letters download failed: ${await pdf.failure()}`);
  ok(`${activated} accounts notified through a job with its progress bar; the letters download as ${pdf.suggestedFilename()}`);

  step('« Responsables »: search by state and renotify one guardian by letter');
  await tabs.getByRole('link', { name: 'Responsables', exact: true }).click();
  await page.getByRole('heading', { name: 'Gestion des comptes responsables' }).waitFor();
  await resultsCount(page, 'responsable(s)');
  await page.getByLabel('En cours d’activation', { exact: true }).check();
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await page.waitForURL((u) => u.search.includes('state=activation_in_progress'));
  const inProgress = await resultsCount(page, 'responsable(s)');
  if (!(inProgress > 0)) throw new Error('no guardian « En cours d’activation »');
  const gStates = await page.locator('table tbody td.table__state').allInnerTexts();
  if (!gStates.every((s) => s.trim() === 'En cours d’activation')) throw new Error(`states ${JSON.stringify(gStates)}`);
  ok(`${inProgress} guardian(s) « En cours d’activation »`);
  await page.getByLabel('En cours d’activation', { exact: true }).uncheck();
  await page.getByLabel('Notifié et non activé', { exact: true }).check();
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await page.waitForURL((u) => u.search === '?state=notified_not_activated');
  await resultsCount(page, 'responsable(s)');
  const gRow = page.locator('table tbody tr').first();
  const gId = (await gRow.locator('td.table__id').innerText()).trim();
  await gRow.getByRole('checkbox').check();
  await page.getByText('1 responsable(s) sélectionné(s)', { exact: true }).waitFor();
  await page.getByRole('button', { name: '(Re)notifier les comptes' }).click();
  const gDialog = page.getByRole('dialog', { name: '(Re)notifier les comptes' });
  await gDialog.getByLabel('Courriel', { exact: true }).waitFor();
  await gDialog.getByLabel('Courrier', { exact: true }).check();
  await checkScreen(page, 'responsables-notify-dialog');
  await gDialog.getByRole('button', { name: 'Confirmer', exact: true }).click();
  await banner.getByText('La notification a bien été effectuée pour 1 responsable(s).').waitFor();
  await banner.getByRole('button', { name: 'Télécharger le courrier au format PDF' }).waitFor();
  ok(`guardian ${gId} renotified by letter`);
  await page.waitForFunction(() => /^\d+ responsable\(s\)$/.test(document.querySelector('.results__count')?.textContent.trim() || ''));
  await checkScreen(page, 'responsables');

  step('no « Élèves extérieurs » here (the collège hosts none), then at the LP that hosts this collège’s pupils');
  // Seed 001 §2: the tab exists only where there are external pupils (e2e/guide.flow.mjs
  // checks the collège's message).
  if ((await tabs.getByRole('link', { name: 'Élèves extérieurs', exact: true }).count()) > 0) {
    throw new Error('the collège, which hosts no external pupil, offers « Élèves extérieurs »');
  }
  await page.goto(`${baseUrl}/etablissements/${LP_UAI}/eleves-exterieurs`, { waitUntil: 'domcontentloaded' });
  await page.getByRole('heading', { name: 'Gestion des comptes élèves extérieurs' }).waitFor();
  const externals = await resultsCount(page, 'élève(s) extérieur(s)');
  if (!(externals > 0)) throw new Error(`no external student at ${LP_UAI}`);
  const home = page.getByLabel('Établissement de rattachement');
  await page.waitForFunction(() => document.querySelectorAll('#accounts-home option').length > 1);
  await home.selectOption(UAI);
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await page.waitForURL((u) => u.search.includes(`home_uai=${UAI}`));
  await resultsCount(page, 'élève(s) extérieur(s)');
  const homes = await page.locator('table tbody tr td:nth-child(4)').allInnerTexts();
  if (homes.length === 0 || !homes.every((h) => h.startsWith(UAI))) throw new Error(`homes ${JSON.stringify(homes)}`);
  ok(`${externals} external student(s) at ${LP_UAI}; the home filter keeps those of ${UAI}`);
  await checkScreen(page, 'eleves-exterieurs-lp');

  await signOut(page);
}

await runFlow('head-accounts', run);
