// The account lists of issue 13 at collège 0451442Y, with the keyboard only where a person
// would use it: the numbered pager (« 1 à 50 sur N élève(s) », « Suivant »), the « Classe(s) »
// and « MEF » drop-downs (Enter / Space opens, Tab walks, Space ticks, « Sélectionner tout »,
// Escape closes back to the button, an outside click closes), the marker on a filter in use,
// no « En cours d'activation » for pupils, the « Origine du compte » the statistics links set,
// and « Responsables » as one row per pupil–guardian pair.
//
//   SESAME_URL=http://127.0.0.1:8080 node e2e/multiselect.flow.mjs
import {
  baseUrl,
  checkScreen,
  chooseEstablishment,
  isFocused,
  ok,
  runFlow,
  signIn,
  signOut,
  step,
  tabTo,
  STEP_TIMEOUT_MS,
} from './lib.mjs';

const UAI = '0451442Y';
const CLASS = '6EME2';

const expect = (cond, what) => {
  if (!cond) throw new Error(what);
};

/** The results count once loaded (« 600 élève(s) » → 600). */
async function resultsCount(page, noun) {
  await page.waitForFunction(
    (n) => {
      const t = document.querySelector('.results__count')?.textContent || '';
      return t.includes(n) && !t.includes('en cours');
    },
    noun,
    { timeout: STEP_TIMEOUT_MS },
  );
  return Number.parseInt((await page.locator('.results__count').innerText()).trim(), 10);
}

async function rangeIs(page, re) {
  await page.waitForFunction(
    (src) => new RegExp(src).test(document.querySelector('.pagination__range')?.textContent.trim() || ''),
    re.source,
    { timeout: STEP_TIMEOUT_MS },
  );
}

const dropDown = (page, name) => page.getByRole('button', { name: new RegExp(`^${name.replace(/[()]/g, '\\$&')}( \\(\\d+\\))?$`) });

async function run(page) {
  await signIn(page, 'principal');
  await chooseEstablishment(page, UAI);
  const tabs = page.getByRole('navigation', { name: 'Rubriques de l’établissement' });
  await tabs.getByRole('link', { name: 'Élèves', exact: true }).click();
  await page.getByRole('heading', { name: 'Gestion des comptes élèves' }).waitFor();
  const total = await resultsCount(page, 'élève(s)');

  step('the pupils’ state filter has no « En cours d’activation »');
  await page.getByLabel('Notifié et non activé', { exact: true }).waitFor();
  expect((await page.getByLabel('En cours d’activation', { exact: true }).count()) === 0, 'pupils offered « En cours d’activation »');
  ok('« État(s) de compte » on « Élèves » offers Non notifié, Notifié et non activé, Activé only');

  step('the pager reads « 1 à 50 sur N élève(s) » and « Suivant » moves on');
  const pager = page.getByRole('navigation', { name: 'Pagination des résultats' });
  await rangeIs(page, new RegExp(`^1 à 50 sur ${total} élève\\(s\\)$`));
  expect((await pager.getByRole('button', { name: 'Page 1', exact: true }).getAttribute('aria-current')) === 'page', 'page 1 not current');
  const next = pager.getByRole('button', { name: 'Suivant', exact: true });
  await next.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.searchParams.has('after'));
  await rangeIs(page, new RegExp(`^51 à 100 sur ${total} élève\\(s\\)$`));
  expect((await pager.getByRole('button', { name: 'Page 2', exact: true }).getAttribute('aria-current')) === 'page', 'page 2 not current');
  await checkScreen(page, 'eleves-pager');
  await pager.getByRole('button', { name: 'Page 1', exact: true }).click();
  await rangeIs(page, new RegExp(`^1 à 50 sur ${total} élève\\(s\\)$`));
  ok(`« 1 à 50 sur ${total} élève(s) », « Suivant » (by cursor) shows 51 à 100 with page 2 current, « 1 » goes back`);

  step('« Classe(s) » with the keyboard: Enter opens, Tab, Space ticks, Escape closes');
  const classes = dropDown(page, 'Classe(s)');
  const classPanel = page.locator('#accounts-class-panel');
  await classes.focus();
  await page.keyboard.press('Enter');
  await classPanel.waitFor({ state: 'visible' });
  expect((await classes.getAttribute('aria-expanded')) === 'true', 'aria-expanded not true');
  expect((await classes.getAttribute('aria-controls')) === 'accounts-class-panel', 'aria-controls');
  const box = classPanel.getByLabel(CLASS, { exact: true });
  await tabTo(page, box);
  await page.keyboard.press('Space');
  expect(await box.isChecked(), `${CLASS} not ticked by Space`);
  expect((await classes.innerText()).includes('Classe(s) (1)'), `marker: ${await classes.innerText()}`);
  await checkScreen(page, 'eleves-classes-ouvert');
  await page.keyboard.press('Escape');
  await classPanel.waitFor({ state: 'hidden' });
  expect(await isFocused(classes), 'focus not back on « Classe(s) »');
  expect((await classes.getAttribute('aria-expanded')) === 'false', 'aria-expanded not false');
  ok(`Enter opens « Classe(s) », Tab reaches ${CLASS}, Space ticks it, the button reads « Classe(s) (1) », Escape closes back to it`);

  step('« MEF »: Space opens, « Sélectionner tout » ticks every MEF and clears them again');
  const mef = dropDown(page, 'MEF');
  const mefPanel = page.locator('#accounts-mef-panel');
  await mef.focus();
  await page.keyboard.press('Space');
  await mefPanel.waitFor({ state: 'visible' });
  const all = mefPanel.getByLabel('Sélectionner tout', { exact: true });
  await tabTo(page, all);
  await page.keyboard.press('Space');
  const offered = await mefPanel.locator('ul input[type="checkbox"]').count();
  expect(offered > 0, 'no MEF offered');
  expect((await mefPanel.locator('ul input[type="checkbox"]:checked').count()) === offered, 'not every MEF ticked');
  expect((await mef.innerText()).includes(`MEF (${offered})`), `marker: ${await mef.innerText()}`);
  await page.keyboard.press('Space');
  expect((await mefPanel.locator('ul input[type="checkbox"]:checked').count()) === 0, 'MEFs not cleared');
  expect((await mef.innerText()).trim().startsWith('MEF') && !(await mef.innerText()).includes('('), 'MEF marker stays');
  await page.keyboard.press('Escape');
  await mefPanel.waitFor({ state: 'hidden' });
  expect(await isFocused(mef), 'focus not back on « MEF »');
  ok(`« Sélectionner tout » ticks the ${offered} MEF(s) (« MEF (${offered}) ») and unticks them all`);

  step('an outside click closes the panel');
  await mef.click();
  await mefPanel.waitFor({ state: 'visible' });
  await page.getByRole('heading', { name: 'Gestion des comptes élèves' }).click();
  await mefPanel.waitFor({ state: 'hidden' });
  ok('a click outside closes « MEF »');

  step('« Rechercher » filters by the ticked class');
  await tabTo(page, page.getByRole('button', { name: 'Rechercher', exact: true }));
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.searchParams.getAll('class').join() === CLASS && !u.searchParams.has('mef'));
  const inClass = await resultsCount(page, 'élève(s)');
  expect(inClass > 0 && inClass < total, `class search found ${inClass}`);
  const shown = await page.locator('table tbody tr td:nth-child(3)').allInnerTexts();
  expect(shown.length > 0 && shown.every((c) => c.trim() === CLASS), `classes ${JSON.stringify(shown)}`);
  expect((await classes.innerText()).includes('Classe(s) (1)'), 'marker lost after the search');
  await checkScreen(page, 'eleves-classe');
  ok(`${inClass} pupil(s), all in ${CLASS}; the button still reads « Classe(s) (1) »`);

  step('the statistics’ origin filter is shown and can be cleared');
  await page.goto(`${baseUrl}/etablissements/${UAI}/eleves?origin=establishment`, { waitUntil: 'domcontentloaded' });
  await page.getByRole('heading', { name: 'Gestion des comptes élèves' }).waitFor();
  await resultsCount(page, 'élève(s)');
  const origin = dropDown(page, 'Origine du compte');
  await page.waitForFunction(() => /Origine du compte \(1\)/.test(document.querySelector('#accounts-origin-button')?.textContent || ''));
  await origin.focus();
  await page.keyboard.press('Enter');
  const originPanel = page.locator('#accounts-origin-panel');
  await originPanel.waitFor({ state: 'visible' });
  expect((await originPanel.getByLabel('Responsable', { exact: true }).count()) === 0, 'pupils offered the « Responsable » origin');
  const est = originPanel.getByLabel('Établissement', { exact: true });
  expect(await est.isChecked(), '« Établissement » not ticked from the URL');
  await checkScreen(page, 'eleves-origine');
  await tabTo(page, est);
  await page.keyboard.press('Space');
  await page.keyboard.press('Escape');
  await tabTo(page, page.getByRole('button', { name: 'Rechercher', exact: true }));
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => !u.searchParams.has('origin'));
  expect((await resultsCount(page, 'élève(s)')) === total, 'clearing the origin does not list every pupil');
  ok('« Origine du compte (1) » shows the funnel’s filter; unticking it lists every pupil again');

  step('« Responsables »: one row per pupil–guardian pair');
  await tabs.getByRole('link', { name: 'Responsables', exact: true }).click();
  await page.getByRole('heading', { name: 'Gestion des comptes responsables' }).waitFor();
  const guardians = await resultsCount(page, 'responsable(s)');
  await rangeIs(page, new RegExp(`^1 à 50 sur ${guardians} responsable\\(s\\)$`));
  const headers = (await page.locator('table thead th').allInnerTexts()).map((t) => t.replace(/[▲▼↕]/g, '').trim());
  expect(JSON.stringify(headers.slice(1, 6)) === JSON.stringify(['Élève', 'Niveau', 'Classe', 'MEF', 'Responsable']), `headers ${JSON.stringify(headers)}`);
  expect((await page.getByLabel('En cours d’activation', { exact: true }).count()) === 1, 'guardians lack « En cours d’activation »');
  const group = page.locator('table tbody.pairs:has(tr:nth-child(2))').first();
  await group.waitFor({ timeout: STEP_TIMEOUT_MS });
  const pairs = await group.evaluate((tbody) => [...tbody.rows].map((tr) => {
    const pupil = tr.querySelector('th.table__pupil');
    const [level, cls, mefCell] = [pupil.nextElementSibling, pupil.nextElementSibling.nextElementSibling, pupil.nextElementSibling.nextElementSibling.nextElementSibling];
    return { pupil: pupil.textContent.trim(), level: level.textContent.trim(), cls: cls.textContent.trim(), mef: mefCell.textContent.trim() };
  }));
  const guardian = (await group.locator('th.table__name').innerText()).trim();
  expect(pairs.length >= 2 && pairs.every((p) => p.pupil && p.level && p.cls && p.mef), `pairs ${JSON.stringify(pairs)}`);
  expect((await group.locator('th.table__name').count()) === 1 && (await group.getByRole('checkbox').count()) === 1, 'guardian cells repeated');
  await checkScreen(page, 'responsables-paires');
  ok(`${guardian}: ${pairs.length} rows, ${pairs.map((p) => `${p.pupil} ${p.level}/${p.cls}/${p.mef}`).join(' ; ')}`);

  step('a class filter keeps that class’s pairs');
  const pick = pairs[0].cls;
  await dropDown(page, 'Classe(s)').focus();
  await page.keyboard.press('Enter');
  const gClass = page.locator('#accounts-class-panel').getByLabel(pick, { exact: true });
  await tabTo(page, gClass);
  await page.keyboard.press('Space');
  await page.keyboard.press('Escape');
  await tabTo(page, page.getByRole('button', { name: 'Rechercher', exact: true }));
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.searchParams.get('class') === pick);
  await resultsCount(page, 'responsable(s)');
  await page.waitForFunction(() => !document.querySelector('.results__count')?.textContent.includes('en cours'));
  const classesShown = await page.locator('table tbody.pairs th.table__pupil + td + td').allInnerTexts();
  expect(classesShown.length > 0 && classesShown.every((c) => c.trim() === pick), `classes ${JSON.stringify(classesShown)}`);
  const same = page.locator('table tbody.pairs').filter({ has: page.locator('th.table__name', { hasText: guardian }) });
  // (The guardian may have moved past the first page; when shown, one row.)
  if ((await same.count()) > 0) expect((await same.first().locator('tr').count()) === 1, `${guardian} still shows pupils of other classes`);
  await checkScreen(page, 'responsables-classe');
  ok(`class ${pick}: ${classesShown.length} pair(s), all of ${pick}; ${guardian} now has one row`);

  await signOut(page);
}

await runFlow('multiselect', run);
