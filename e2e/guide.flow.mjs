// The user guide as a reader reaches it: « Documentation » in the header of every screen (the
// sign-in page and the establishment chooser included), opened from the keyboard; from each
// tab, « Aide sur cette rubrique » lands on that tab's section; the guide itself passes axe.
// And « Élèves extérieurs » (issue 13, point 5): offered at the LP, where pupils of the
// collège follow shared teaching, absent at the collège, whose direct URL says why.
import path from 'node:path';
import {
  axeViolations,
  baseUrl,
  checkScreen,
  chooseEstablishment,
  ok,
  outDir,
  runFlow,
  signIn,
  signOut,
  step,
  tabNames,
  tabTo,
} from './lib.mjs';

const LP = '0450750W';
const COLLEGE = '0451442Y';
const PRIMARY = '0251233E';

/** The guide's section for each tab, as the tab bar names it. */
const SECTION_OF = {
  Accueil: 'accueil',
  Élèves: 'eleves',
  'Élèves extérieurs': 'eleves-exterieurs',
  Responsables: 'responsables',
  Statistiques: 'statistiques',
  Paramétrage: 'parametrage',
  Délégations: 'delegations',
  Journal: 'journal',
  Annuaire: 'annuaire',
};

const docLink = (page) =>
  page.locator('header').getByRole('link', { name: 'Documentation (s’ouvre dans un nouvel onglet)' });

/** Checks that `guide` shows the section `id`: present, visible, scrolled to. */
async function expectSection(guide, id, from) {
  // The browser scrolls to the fragment once the page (its stylesheet) has loaded.
  await guide.waitForLoadState('load');
  const url = new URL(guide.url());
  if (url.pathname !== '/guide' || url.hash !== `#${id}`) {
    throw new Error(`${from} opened ${guide.url()}, not /guide#${id}`);
  }
  const section = guide.locator(`[id="${id}"]`);
  await section.waitFor({ state: 'visible' });
  const inView = (target) => {
    const top = document.getElementById(target).getBoundingClientRect().top;
    return top >= -2 && top < window.innerHeight / 2;
  };
  try {
    await guide.waitForFunction(inView, id, { timeout: 5_000 });
  } catch {
    const top = await section.evaluate((el) => el.getBoundingClientRect().top);
    throw new Error(`${from}: #${id} is not scrolled into view (top at ${top}px)`);
  }
  ok(`${from} → /guide#${id}, section shown`);
}

/** Follows « Aide sur cette rubrique » of the current tab (a new tab) to its section. */
async function followHelp(page, tab, id, screenshot) {
  step(`follow « Aide sur cette rubrique » from « ${tab} »`);
  const help = page.getByRole('link', { name: new RegExp(`^Aide sur cette rubrique « ${tab} »`) });
  await help.waitFor({ state: 'visible' });
  const [guide] = await Promise.all([page.waitForEvent('popup'), help.click()]);
  await expectSection(guide, id, `« ${tab} »`);
  if (screenshot) {
    await guide.screenshot({ path: path.join(outDir, `${screenshot}.png`) });
    ok(`screenshot target/e2e/${screenshot}.png`);
  }
  await guide.close();
}

async function openTab(page, name) {
  const nav = page.getByRole('navigation', { name: 'Rubriques de l’établissement' });
  await nav.getByRole('link', { name, exact: true }).click();
  await nav.locator('[aria-current="page"]', { hasText: name }).waitFor();
}

runFlow('guide', async (page) => {
  step('open the guide and check it with axe');
  const r = await page.goto(`${baseUrl}/guide`, { waitUntil: 'load' });
  if (!r || r.status() !== 200) throw new Error(`GET /guide answered ${r && r.status()}`);
  if (!(r.headers()['content-type'] || '').startsWith('text/html')) {
    throw new Error(`/guide is served as ${r.headers()['content-type']}`);
  }
  await page.getByRole('heading', { level: 1, name: 'Guide d’utilisation de Sésame' }).waitFor();
  const toc = page.getByRole('navigation', { name: 'Sommaire' });
  await toc.getByRole('link', { name: 'Élèves extérieurs' }).waitFor();
  await page.screenshot({ path: path.join(outDir, 'guide-top.png') });
  await checkScreen(page, 'guide-full');
  step('follow the table of contents by keyboard');
  const tocLink = toc.getByRole('link', { name: 'États et origines des comptes' });
  await tabTo(page, tocLink);
  await page.keyboard.press('Enter');
  await page.waitForURL(/#etats$/);
  await page.getByRole('heading', { level: 2, name: 'États et origines des comptes' }).waitFor();
  await page.screenshot({ path: path.join(outDir, 'guide-section.png') });
  const n = await axeViolations(page, 'guide-section');
  if (n > 0) throw new Error(`axe found ${n} violation(s) on the guide at #etats`);
  ok('table of contents reached « États et origines des comptes » from the keyboard');

  step('« Documentation » on the sign-in page, by keyboard');
  await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' });
  await page.getByLabel('Identifiant', { exact: true }).waitFor();
  const onLogin = docLink(page);
  await tabTo(page, onLogin);
  const [fromLogin] = await Promise.all([page.waitForEvent('popup'), page.keyboard.press('Enter')]);
  await fromLogin.waitForLoadState('domcontentloaded');
  if (new URL(fromLogin.url()).pathname !== '/guide') throw new Error(`opened ${fromLogin.url()}`);
  await fromLogin.getByRole('heading', { level: 1 }).waitFor();
  await fromLogin.close();
  ok('« Documentation » opens the guide from the sign-in page (keyboard, new tab)');

  await signIn(page, 'principal');
  step('« Documentation » on the establishment chooser, by keyboard');
  const onChooser = docLink(page);
  await onChooser.waitFor({ state: 'visible' });
  await page.locator('header').screenshot({ path: path.join(outDir, 'guide-header.png') });
  await page.locator('body').press('Home');
  await tabTo(page, onChooser);
  const [fromChooser] = await Promise.all([page.waitForEvent('popup'), page.keyboard.press('Enter')]);
  await fromChooser.waitForLoadState('domcontentloaded');
  await fromChooser.getByRole('heading', { level: 1, name: 'Guide d’utilisation de Sésame' }).waitFor();
  await fromChooser.close();
  ok('« Documentation » opens the guide from the chooser (keyboard, new tab)');

  step(`the LP (${LP}) has external students: its tab and its home link`);
  await chooseEstablishment(page, LP);
  const lpTabs = await tabNames(page);
  if (!lpTabs.includes('Élèves extérieurs')) throw new Error(`LP tabs: ${lpTabs.join(', ')}`);
  await page.locator('.home-links').getByRole('link', { name: 'Élèves extérieurs' }).waitFor();
  ok(`LP tabs: ${lpTabs.join(', ')}`);
  if (!(await docLink(page).isVisible())) throw new Error('no « Documentation » on the establishment');

  for (const tab of lpTabs) {
    const id = SECTION_OF[tab];
    if (!id) throw new Error(`no guide section expected for the tab « ${tab} »`);
    if (tab !== 'Accueil') await openTab(page, tab);
    if (tab === 'Élèves') {
      await page.getByRole('link', { name: /^Aide sur cette rubrique/ }).waitFor();
      await checkScreen(page, 'guide-tab-help');
    }
    await followHelp(page, tab, id, tab === 'Élèves extérieurs' ? 'guide-from-tab' : null);
  }

  step(`the collège (${COLLEGE}) has none: no tab, no home link, a message at its URL`);
  await page.getByRole('link', { name: 'Changer d’établissement' }).click();
  await chooseEstablishment(page, COLLEGE);
  const collegeTabs = await tabNames(page);
  if (collegeTabs.includes('Élèves extérieurs')) {
    throw new Error(`the collège offers « Élèves extérieurs »: ${collegeTabs.join(', ')}`);
  }
  const homeLinks = page.locator('.home-links');
  await homeLinks.getByRole('link', { name: 'Élèves', exact: true }).waitFor();
  if ((await homeLinks.getByRole('link', { name: 'Élèves extérieurs' }).count()) > 0) {
    throw new Error('the collège home links to « Élèves extérieurs »');
  }
  ok(`collège tabs: ${collegeTabs.join(', ')}`);
  await page.goto(`${baseUrl}/etablissements/${COLLEGE}/eleves-exterieurs`);
  await page
    .getByText('Aucun élève d’un autre établissement ne suit d’enseignement mutualisé')
    .waitFor();
  await checkScreen(page, 'guide-no-externals');
  await page.getByRole('link', { name: 'Revenir à l’accueil de l’établissement' }).click();
  await page.waitForURL(new RegExp(`/etablissements/${COLLEGE}$`));
  ok('a direct URL to « Élèves extérieurs » of the collège explains, and leads back home');
  await signOut(page);

  step('the teacher (troubleshooting) is sent to « Dépannage des comptes élèves »');
  await signIn(page, 'teacher');
  await chooseEstablishment(page, COLLEGE);
  await openTab(page, 'Élèves');
  await followHelp(page, 'Élèves', 'depannage', null);
  await signOut(page);

  step('the ENT administrator: « Annuaire » → its section');
  await signIn(page, 'ent-admin');
  await chooseEstablishment(page, PRIMARY);
  const entTabs = await tabNames(page);
  if (!entTabs.includes('Annuaire')) throw new Error(`ENT admin tabs: ${entTabs.join(', ')}`);
  await openTab(page, 'Annuaire');
  await followHelp(page, 'Annuaire', 'annuaire', null);
  await signOut(page);
});
