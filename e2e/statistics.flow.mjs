// « Statistiques » at collège 0451442Y as the head sees it: both origin tables with their
// dates, the five sections opened from the keyboard, and the activation funnel: a count
// followed (keyboard only) to the account list with its filters, whose total is that count,
// then (re)notified; the letters come in class stacks behind a separator page. The per-class
// table ranks the classes least advanced first and leads to the pupils to chase.
//
//   SESAME_URL=http://127.0.0.1:8080 node e2e/statistics.flow.mjs
import { execFileSync } from 'node:child_process';
import {
  checkScreen,
  chooseEstablishment,
  isFocused,
  ok,
  runFlow,
  signIn,
  step,
  STEP_TIMEOUT_MS,
  tabTo,
} from './lib.mjs';

const UAI = '0451442Y';
const LP_UAI = '0450750W';
const SECTIONS = [
  'Synthèse des comptes élèves de la structure par classe',
  'Synthèse des comptes responsables de la structure par classe',
  'Synthèse des comptes élèves de la structure par MEF',
  'Synthèse des comptes responsables de la structure par MEF',
  'Synthèse des comptes élèves extérieurs',
];

/**
 * The number a text ends with, « 1 234 » (narrow no-break spaces) included: a count link's
 * text also holds, visually hidden, the row and column it counts (« 3EME1, … : 12 »).
 */
const count = (text) => {
  const m = text.trim().match(/\d[\d\s\u202f\u00a0]*$/);
  if (!m) throw new Error(`no number at the end of « ${text} »`);
  return Number.parseInt(m[0].replace(/\D/g, ''), 10);
};

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
  return Number.parseInt((await page.locator('.results__count').innerText()).replace(/[\s\u202f\u00a0]/g, ''), 10);
}

const tabsNav = (page) => page.getByRole('navigation', { name: 'Rubriques de l’établissement' });

async function openStatistics(page) {
  await tabsNav(page).getByRole('link', { name: 'Statistiques', exact: true }).click();
  await page.getByRole('heading', { name: 'Statistiques d’activation des comptes' }).waitFor();
}

async function run(page) {
  await signIn(page, 'principal');
  await chooseEstablishment(page, UAI);

  step('« Statistiques »: both origin tables, each with its date, then five closed sections');
  await openStatistics(page);
  const students = page.getByRole('table', { name: /^Comptes élèves par origine/ });
  const guardians = page.getByRole('table', { name: /^Comptes responsables par origine/ });
  await students.waitFor();
  await guardians.waitFor();
  await guardians.getByRole('columnheader', { name: 'Nombre de comptes en cours d’activation' }).waitFor();
  if ((await students.getByRole('columnheader', { name: 'Nombre de comptes en cours d’activation' }).count()) !== 0) {
    throw new Error('the students’ table has an « en cours d’activation » column');
  }
  const dates = page.locator('.stats__computed').filter({ hasText: /^Calculées le \d\d\/\d\d\/\d{4} à \d\d:\d\d\.$/ });
  if ((await dates.count()) < 2) throw new Error('the origin tables do not say when they were computed');
  const toggles = page.locator('button.stats__toggle');
  const names = (await toggles.allInnerTexts()).map((t) => t.replace(/^[+−]\s*/, '').trim());
  if (JSON.stringify(names) !== JSON.stringify(SECTIONS)) throw new Error(`sections ${JSON.stringify(names)}`);
  for (const name of SECTIONS) {
    const b = page.getByRole('button', { name, exact: true });
    if ((await b.getAttribute('aria-expanded')) !== 'false') throw new Error(`« ${name} » is open at first`);
  }
  // A zero is not a link: nobody's account comes from ATEN here.
  const aten = students.getByRole('row', { name: /^ATEN/ });
  if ((await aten.getByRole('link').count()) !== 0) throw new Error('a zero count is a link');
  const totals = students.locator('tfoot').getByRole('link');
  if ((await totals.count()) < 2) throw new Error('the totals are not links');
  await page.getByRole('table', { name: /^Classes de la moins avancée/ }).waitFor();
  await page.locator('p[role="status"]').filter({ hasText: /^Statistiques calculées le / }).waitFor();
  ok('two origin tables with their totals and dates, five closed sections in the seed’s order, zeros not links');
  await checkScreen(page, 'statistiques-syntheses');

  step('keyboard: open « élèves par classe » with Enter');
  const byClassToggle = page.getByRole('button', { name: SECTIONS[0], exact: true });
  await tabsNav(page).getByRole('link', { name: 'Statistiques', exact: true }).focus();
  await tabTo(page, byClassToggle, 'Tab', 200);
  await page.keyboard.press('Enter');
  if ((await byClassToggle.getAttribute('aria-expanded')) !== 'true') throw new Error('Enter did not open the section');
  await page.waitForURL((u) => u.search === '?ouvert=eleves-classe');
  const byClass = page.getByRole('table', { name: /^Comptes élèves par classe/ });
  await byClass.waitFor();
  if (!(await isFocused(byClassToggle))) throw new Error('the focus left the section’s button');
  ok('Enter opens the section (aria-expanded, ?ouvert=eleves-classe), the focus stays on its button');
  await checkScreen(page, 'statistiques-eleves-par-classe');

  step('keyboard: open the four other sections with Space, then close one');
  for (const name of SECTIONS.slice(1)) {
    const b = page.getByRole('button', { name, exact: true });
    await tabTo(page, b, 'Tab', 400);
    await page.keyboard.press('Space');
    await page.waitForFunction((n) => [...document.querySelectorAll('button.stats__toggle')]
      .some((x) => x.textContent.includes(n) && x.getAttribute('aria-expanded') === 'true'), name);
  }
  await page.getByRole('table', { name: /^Comptes responsables par classe/ }).waitFor();
  await page.getByRole('table', { name: /^Comptes élèves par MEF/ }).waitFor();
  await page.getByRole('table', { name: /^Comptes responsables par MEF/ }).waitFor();
  // The collège hosts no pupil of another establishment: said in words, not as zeros.
  await page.locator('#stats-panel-eleves-exterieurs').getByText('Aucun élève d’un autre établissement ne suit d’enseignement ici.').waitFor();
  await page.locator('p[role="status"]').filter({ hasText: /^Statistiques calculées le / }).waitFor();
  ok('every section opens from the keyboard with its table');
  await checkScreen(page, 'statistiques-sections-ouvertes');
  const last = page.getByRole('button', { name: SECTIONS[4], exact: true });
  await last.focus();
  await page.keyboard.press('Enter');
  if ((await last.getAttribute('aria-expanded')) !== 'false') throw new Error('Enter did not close the section');
  if ((await page.locator('#stats-panel-eleves-exterieurs').isVisible())) throw new Error('a closed section shows');
  await page.waitForURL((u) => !u.search.includes('eleves-exterieurs'));
  ok('Enter closes a section again');

  step('the funnel: follow a class’s « notifiés et non activés » count from the keyboard');
  // The class with the most pupils waiting: the list then has several rows.
  const cells = byClass.locator('tbody').getByRole('link', { name: /, comptes élèves notifiés et non activés : / });
  const counts = (await cells.allInnerTexts()).map(count);
  const cell = cells.nth(counts.indexOf(Math.max(...counts)));
  const cellName = await cell.getAttribute('href');
  const expected = count(await cell.innerText());
  const klass = new URL(cellName, 'http://x').searchParams.get('class');
  await byClassToggle.focus();
  await tabTo(page, cell, 'Tab', 400);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname.endsWith('/eleves')
    && u.searchParams.getAll('class').join() === klass
    && u.searchParams.getAll('state').join() === 'notified_not_activated');
  await page.getByRole('heading', { name: 'Gestion des comptes élèves' }).waitFor();
  const listed = await resultsCount(page, 'élève(s)');
  if (listed !== expected) throw new Error(`the count said ${expected}, the list has ${listed}`);
  ok(`${klass}, « notifiés et non activés »: the count (${expected}) opens the list with its filters, ${listed} pupil(s)`);

  step('(re)notify that list by letter; the letters come behind the class’s separator page');
  await page.getByLabel('Sélectionner la page').check();
  await page.getByText(`${listed} élève(s) sélectionné(s)`, { exact: true }).waitFor();
  await page.getByRole('button', { name: '(Re)notifier les comptes' }).click();
  const dialog = page.getByRole('dialog', { name: '(Re)notifier les comptes' });
  await dialog.getByRole('button', { name: 'Confirmer', exact: true }).click();
  const banner = page.locator('.banner[role="status"]');
  await banner.getByText(`La notification a bien été effectuée pour ${listed} élève(s).`).waitFor();
  const letter = banner.getByRole('button', { name: 'Télécharger le courrier au format PDF' });
  const [pdf] = await Promise.all([page.waitForEvent('download'), letter.click()]);
  const text = execFileSync('pdftotext', ['-layout', await pdf.path(), '-'], { encoding: 'utf8' });
  const pages = text.split('\f').filter((p) => p.trim());
  if (pages.length !== listed + 1) throw new Error(`${pages.length} pages for ${listed} letter(s)`);
  const first = pages[0].replace(/\s+/g, ' ');
  const plural = listed === 1 ? '1 courrier' : `${listed} courriers`;
  if (!first.includes(`Classe ${klass}`) || !first.includes(plural) || !/Édités le \d\d\/\d\d\/\d{4}/.test(first)) {
    throw new Error(`separator page: ${first}`);
  }
  ok(`${listed} pupil(s) renotified; the PDF opens with « Classe ${klass} », « ${plural} » and the date`);

  step('Back: the statistics as they were left, the section still open');
  await page.goBack();
  await page.waitForURL((u) => u.pathname.endsWith('/statistiques') && u.search.includes('ouvert=eleves-classe'));
  await page.getByRole('table', { name: /^Comptes élèves par classe/ }).waitFor();
  ok('Back returns to « Statistiques » with « élèves par classe » open');

  step('the per-class table: least advanced first, re-ranked by guardians, a class to chase');
  const funnel = page.getByRole('table', { name: /^Classes de la moins avancée/ });
  const shares = async (col) => (await funnel.locator(`tbody tr td:nth-of-type(${col}) .stats__share-text`).allInnerTexts())
    .map((t) => Number.parseFloat(t.replace(',', '.')));
  const pupils = await shares(2);
  if (pupils.length < 2 || pupils.some((s, i) => i > 0 && s < pupils[i - 1])) {
    throw new Error(`not least advanced first: ${pupils}`);
  }
  const byGuardians = funnel.getByRole('button', { name: /Élèves ayant un responsable au compte activé/ });
  await byGuardians.focus();
  await page.keyboard.press('Enter');
  await funnel.getByRole('columnheader', { name: /Élèves ayant un responsable/ }).and(page.locator('[aria-sort="ascending"]')).waitFor();
  const families = await shares(3);
  if (families.some((s, i) => i > 0 && s < families[i - 1])) throw new Error(`not ranked by guardians: ${families}`);
  await checkScreen(page, 'statistiques-suivi-par-classe');
  const chase = funnel.getByRole('link', { name: /élèves au compte non activé : / }).first();
  const toChase = count(await chase.innerText());
  await tabTo(page, chase, 'Tab', 200);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname.endsWith('/eleves')
    && u.searchParams.getAll('state').join() === 'not_notified,notified_not_activated');
  const left = await resultsCount(page, 'élève(s)');
  if (left !== toChase) throw new Error(`${toChase} to chase, the list has ${left}`);
  ok(`ranked least advanced first (pupils, then guardians); « Élèves à relancer » (${toChase}) lists them`);

  step('a guardians’ count: « Responsable », « en cours d’activation »');
  await page.goBack();
  await page.getByRole('heading', { name: 'Statistiques d’activation des comptes' }).waitFor();
  const g = page.getByRole('table', { name: /^Comptes responsables par origine/ });
  const inProgress = g.getByRole('link', { name: 'Responsable, comptes responsables en cours d’activation', exact: false });
  const n = count(await inProgress.innerText());
  await inProgress.click();
  await page.waitForURL((u) => u.pathname.endsWith('/responsables') && u.search === '?state=activation_in_progress&origin=guardian');
  const gListed = await resultsCount(page, 'responsable(s)');
  if (gListed !== n) throw new Error(`the count said ${n}, the guardians’ list has ${gListed}`);
  ok(`guardians « Responsable » × « en cours d’activation »: ${n} = the list’s total`);

  step('the LP hosts the collège’s pupils: an external students’ count leads to their list');
  await page.getByRole('link', { name: 'Changer d’établissement' }).click();
  await chooseEstablishment(page, LP_UAI);
  await openStatistics(page);
  const externals = page.getByRole('button', { name: SECTIONS[4], exact: true });
  await externals.focus();
  await page.keyboard.press('Enter');
  const ext = page.getByRole('table', { name: /^Comptes élèves extérieurs par origine/ });
  await ext.waitFor();
  await checkScreen(page, 'statistiques-lp-eleves-exterieurs');
  const extTotal = ext.locator('tfoot').getByRole('link').first();
  const extN = count(await extTotal.innerText());
  await extTotal.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname.endsWith('/eleves-exterieurs'));
  const extListed = await resultsCount(page, 'élève(s) extérieur(s)');
  if (extListed !== extN) throw new Error(`${extN} external pupils counted, ${extListed} listed`);
  ok(`${extN} external pupil(s) at the LP, as many in « Élèves extérieurs »`);
}

runFlow('statistics', run);
