// The ENT administrator's flow in « Annuaire » (seed 000), against a running demo server.
//
// ent-admin signs in (password only) and opens the primary school 0251233E, whose tabs are
// « Accueil » and « Annuaire ». The three search modes are WAI-ARIA tabs (arrows, Home, End):
// « Recherche simple » (name, first name; kept across a reload), « Recherche avancée »
// (establishment, profile, subject taught from the directory's list, group picked in the tree
// « école → Groupes pédagogiques → Classes »), « Recherche technique » (login, id). The table
// has « Établissement principal »; the pager « Premier / Précédent / Suivant / Dernier » with
// « Page X sur Y », 20 a page. Keyboard only: « Tout sélectionner », « Pour la sélection… »,
// « ok » (refused without an action), the confirmation, one ready-to-copy message per user,
// Escape back to « ok ». Then a user created with a missing field then properly (its new subject
// joins the list), found by the technical search, blocked then unblocked. axe-core on each mode and state.
//
//   SESAME_URL=http://127.0.0.1:8080 node e2e/ent.flow.mjs
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
  tabNames,
  tabTo,
} from './lib.mjs';

const UAI = '0251233E';
const SCHOOL = 'E.E.PU-FOURIER I-BESANCON';
const CLASS = 'CE2 A - M. CAVEROT';

const expect = (cond, what) => {
  if (!cond) throw new Error(what);
};

runFlow('ent', async (page) => {
  await page
    .context()
    .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });

  await signIn(page, 'ent-admin');
  await chooseEstablishment(page, UAI);

  step('check the tabs offered to the ENT administrator');
  const tabs = await tabNames(page);
  expect(JSON.stringify(tabs) === JSON.stringify(['Accueil', 'Annuaire']), `tabs are ${JSON.stringify(tabs)}`);
  ok('tabs: Accueil, Annuaire');

  step('open « Annuaire »: simple search first, with « Établissement principal »');
  await page
    .getByRole('navigation', { name: 'Rubriques de l’établissement' })
    .getByRole('link', { name: 'Annuaire' })
    .click();
  await page.getByRole('heading', { name: 'Annuaire — Administration' }).waitFor();
  const status = page.locator('.results__count');
  await status.filter({ hasText: /\d+ utilisateurs trouvés dans l’établissement/ }).waitFor();
  const modes = page.getByRole('tablist', { name: 'Mode de recherche' });
  const modeTab = (name) => modes.getByRole('tab', { name });
  const names = await modes.getByRole('tab').allInnerTexts();
  expect(
    JSON.stringify(names) === JSON.stringify(['Recherche simple', 'Recherche avancée', 'Recherche technique']),
    `modes are ${JSON.stringify(names)}`,
  );
  expect((await modeTab('Recherche simple').getAttribute('aria-selected')) === 'true', 'simple search not selected');
  const table = page.getByRole('table', { name: /Utilisateurs de l’annuaire/ });
  const headers = (await table.getByRole('columnheader').allInnerTexts()).map((t) => t.trim().replace(/\s+/g, ' '));
  for (const h of ['Nom', 'Prénom', 'Profil', 'État', 'Établissement principal', 'Actions']) {
    expect(headers.includes(h), `no column « ${h} » in ${JSON.stringify(headers)}`);
  }
  const firstRow = table.locator('tbody tr').first();
  await firstRow.getByRole('cell', { name: SCHOOL }).waitFor();
  ok(`columns ${headers.filter(Boolean).join(' | ')}; main establishment shown`);
  await checkScreen(page, 'annuaire');

  step('recherche simple: name and first name');
  const simple = page.getByRole('tabpanel', { name: 'Recherche simple' });
  await simple.getByLabel('Nom', { exact: true }).fill('Caverot');
  await simple.getByLabel('Prénom', { exact: true }).fill('jé');
  const answered = page.waitForResponse((r) => r.url().includes('/users?') && r.url().includes('family_name=Caverot'));
  await simple.getByRole('button', { name: 'Rechercher', exact: true }).click();
  const jerome = (await (await answered).json()).items[0];
  await status.filter({ hasText: 'nom commençant par « Caverot », prénom commençant par « jé »' }).waitFor();
  await table.getByRole('rowheader', { name: 'CAVEROT' }).waitFor();
  expect((await table.locator('tbody tr').count()) === 1, 'one Jérôme Caverot expected');
  expect(page.url().includes('family_name=Caverot') && page.url().includes('first_name=j'), `not in the URL: ${page.url()}`);
  ok(`simple search finds ${jerome.first_name} ${jerome.family_name} (${jerome.login})`);
  await checkScreen(page, 'annuaire-simple');

  step('reload: the search is restored from the URL');
  await page.reload({ waitUntil: 'domcontentloaded' });
  await status.filter({ hasText: 'nom commençant par « Caverot »' }).waitFor();
  expect((await simple.getByLabel('Nom', { exact: true }).inputValue()) === 'Caverot', 'name not restored');
  ok('reload keeps the search');

  step('the search modes are tabs: arrows, Home and End move between them');
  const simpleTab = modeTab('Recherche simple');
  await tabTo(page, simpleTab);
  await page.keyboard.press('ArrowRight');
  expect(await isFocused(modeTab('Recherche avancée')), 'ArrowRight did not move to « Recherche avancée »');
  expect((await modeTab('Recherche avancée').getAttribute('aria-selected')) === 'true', 'advanced tab not selected');
  const advanced = page.getByRole('tabpanel', { name: 'Recherche avancée' });
  await advanced.waitFor({ state: 'visible' });
  expect(await simple.isHidden(), 'the simple panel should be hidden');
  expect(page.url().includes('mode=avancee'), `mode not in the URL: ${page.url()}`);
  // The name typed in the simple search is carried to the advanced one.
  expect((await advanced.getByLabel('Nom', { exact: true }).inputValue()) === 'Caverot', 'name not carried over');
  await page.keyboard.press('ArrowRight');
  expect(await isFocused(modeTab('Recherche technique')), 'ArrowRight did not reach « Recherche technique »');
  await page.keyboard.press('ArrowRight');
  expect(await isFocused(simpleTab), 'ArrowRight should wrap to the first tab');
  await page.keyboard.press('End');
  expect(await isFocused(modeTab('Recherche technique')), 'End did not reach the last tab');
  await page.keyboard.press('Home');
  expect(await isFocused(simpleTab), 'Home did not reach the first tab');
  expect((await modeTab('Recherche technique').getAttribute('tabindex')) === '-1', 'only the selected tab is in the Tab order');
  ok('tabs: ArrowRight/ArrowLeft wrap, Home, End; one tab stop');

  step('recherche avancée: subject taught from the directory’s list');
  await modeTab('Recherche avancée').click();
  await advanced.getByRole('button', { name: 'Réinitialiser' }).click();
  await status.filter({ hasText: /\d+ utilisateurs trouvés dans l’établissement/ }).waitFor();
  const establishment = advanced.getByLabel('Établissement(s)');
  expect((await establishment.inputValue()) === UAI, 'the establishment is not preselected');
  expect((await establishment.locator('option:checked').innerText()).includes(SCHOOL), 'establishment name missing');
  const subject = advanced.getByLabel('Matière enseignée');
  await subject.locator('option', { hasText: 'Anglais' }).waitFor({ state: 'attached' });
  const subjects = await subject.locator('option').allInnerTexts();
  // The demo's subjects (a subject created by an earlier run may be there too), sorted.
  const listed = subjects.slice(1);
  expect(
    subjects[0] === 'Toutes les matières' && listed.includes('Anglais') && listed.includes('Polyvalent') &&
      JSON.stringify(listed) === JSON.stringify([...listed].sort((a, b) => a.localeCompare(b, 'fr'))),
    `subjects offered: ${JSON.stringify(subjects)}`,
  );
  await advanced.getByLabel('Profil', { exact: true }).selectOption('Personnel de l\'Éducation nationale');
  await subject.selectOption('Anglais');
  await advanced.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await status.filter({ hasText: '1 utilisateur trouvé : profil « Personnel de l\'Éducation nationale », matière « Anglais »' }).waitFor();
  await table.getByRole('rowheader', { name: 'BOURGEOIS' }).waitFor();
  ok('subject « Anglais » picked from the list: Anne-Lise Bourgeois');
  await checkScreen(page, 'annuaire-avancee');

  step('recherche avancée: a class picked in the group tree, pupils only');
  await subject.selectOption('');
  await advanced.getByLabel('Profil', { exact: true }).selectOption('Élève');
  const browse = advanced.getByRole('button', { name: 'Parcourir les groupes' });
  await browse.click();
  const tree = page.locator('#directory-tree');
  await tree.waitFor({ state: 'visible' });
  await tree.getByRole('button', { name: 'Sous-groupes de E.E.PU-FOURIER I-BESANCON' }).click();
  await tree.getByRole('button', { name: 'Sous-groupes de Groupes pédagogiques' }).click();
  const classesToggle = tree.getByRole('button', { name: 'Sous-groupes de Classes' });
  await classesToggle.focus();
  await page.keyboard.press('Enter');
  expect((await classesToggle.getAttribute('aria-expanded')) === 'true', 'Enter did not unfold « Classes »');
  await checkScreen(page, 'annuaire-groupes');
  await tree.getByRole('button', { name: new RegExp(`^${CLASS.replace(/[.]/g, '\\.')}`) }).click();
  expect(await isFocused(browse), 'focus should return to « Parcourir »');
  await advanced.locator('.directory__group-name', { hasText: CLASS }).waitFor();
  await advanced.getByRole('button', { name: 'Retirer le groupe' }).waitFor();
  await advanced.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await status.filter({ hasText: `25 utilisateurs trouvés : profil « Élève », groupe « ${CLASS} »` }).waitFor();
  expect(page.url().includes('group='), `group not in the URL: ${page.url()}`);
  ok(`class ${CLASS}: 25 pupils`);

  step('pager: premier / précédent / suivant / dernier, 20 a page');
  const pager = page.getByRole('navigation', { name: 'Pagination des résultats' });
  const where = pager.locator('.pagination__where');
  await where.filter({ hasText: 'Page 1 sur 2' }).waitFor();
  const pagerButton = (name) => pager.getByRole('button', { name, exact: true });
  const pagerNames = (await pager.getByRole('button').allInnerTexts()).map((t) => t.trim());
  expect(
    JSON.stringify(pagerNames) === JSON.stringify(['Premier', 'Précédent', 'Suivant', 'Dernier']),
    `pager buttons: ${JSON.stringify(pagerNames)}`,
  );
  const disabled = async (name) => (await pagerButton(name).getAttribute('aria-disabled')) === 'true';
  expect((await disabled('Premier')) && (await disabled('Précédent')), 'Premier/Précédent should be off on page 1');
  expect((await table.locator('tbody tr').count()) === 20, '20 rows on page 1');
  await pagerButton('Dernier').click();
  await where.filter({ hasText: 'Page 2 sur 2' }).waitFor();
  await table.getByRole('caption').filter({ hasText: 'page 2 sur 2' }).waitFor();
  expect((await table.locator('tbody tr').count()) === 5, '5 rows on the last page');
  expect((await disabled('Suivant')) && (await disabled('Dernier')), 'Suivant/Dernier should be off on the last page');
  await checkScreen(page, 'annuaire-derniere-page');
  await pagerButton('Premier').click();
  await where.filter({ hasText: 'Page 1 sur 2' }).waitFor();
  await pagerButton('Suivant').click();
  await where.filter({ hasText: 'Page 2 sur 2' }).waitFor();
  await pagerButton('Précédent').click();
  await where.filter({ hasText: 'Page 1 sur 2' }).waitFor();
  await table.getByRole('caption').filter({ hasText: 'page 1 sur 2' }).waitFor();
  ok('Dernier → 2/2 (5 rows), Premier, Suivant, Précédent → 1/2');

  step('keyboard only: « Tout sélectionner » selects the page');
  const selectAll = page.getByRole('checkbox', { name: 'Tout sélectionner', exact: true });
  const action = page.getByRole('combobox', { name: 'Pour la sélection…' });
  const okButton = page.getByRole('button', { name: 'ok', exact: true });
  const count = page.locator('#directory-selected-count');
  await advanced.getByRole('button', { name: 'Rechercher', exact: true }).focus();
  await tabTo(page, selectAll);
  await page.keyboard.press('Space');
  await count.filter({ hasText: '20 utilisateurs sélectionnés' }).waitFor();
  expect(await selectAll.isChecked(), '« Tout sélectionner » not checked');
  const rowBoxes = table.locator('tbody input[type="checkbox"]');
  for (let i = 0; i < 20; i += 1) expect(await rowBoxes.nth(i).isChecked(), `row ${i + 1} not selected`);
  ok('Space on « Tout sélectionner »: the 20 users of the page are selected');
  await checkScreen(page, 'annuaire-selection');

  step('keyboard only: « ok » without an action is refused, with the reason');
  await page.keyboard.press('Tab');
  expect(await isFocused(action), 'Tab should reach « Pour la sélection… »');
  expect((await action.locator('option:checked').innerText()) === 'Choisir une action', 'menu should start empty');
  await page.keyboard.press('Tab');
  expect(await isFocused(okButton), 'Tab should reach « ok »');
  await page.keyboard.press('Enter');
  const refused = page.locator('#directory-selection-refused');
  await refused.filter({ hasText: 'Choisissez d’abord une action' }).waitFor();
  expect((await page.getByRole('dialog').count()) === 0, 'no dialog without an action');
  ok(`refused: ${await refused.innerText()}`);
  await checkScreen(page, 'annuaire-selection-sans-action');

  step('keyboard only: « Pour la sélection… → Régénérer le mot de passe », then « ok »');
  await page.keyboard.press('Shift+Tab');
  expect(await isFocused(action), 'Shift+Tab should go back to the menu');
  await page.keyboard.press('ArrowDown');
  expect((await action.inputValue()) === 'regenerate', 'ArrowDown did not choose « Régénérer le mot de passe »');
  expect(await refused.isHidden(), 'the refusal should go once an action is chosen');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: 'Régénérer le mot de passe' }).waitFor();
  await dialog.getByText('des 20 utilisateurs sélectionnés').waitFor();
  expect(await dialog.evaluate((el) => el.contains(document.activeElement)), 'focus did not move into the dialog');
  await checkScreen(page, 'annuaire-confirmation');
  await page.keyboard.press('Tab');
  expect(await isFocused(dialog.getByRole('button', { name: 'Régénérer', exact: true })), 'Tab should reach « Régénérer »');
  await page.keyboard.press('Enter');

  step('result dialog: one ready-to-copy message per selected user');
  await dialog.getByRole('heading', { name: 'Nouveaux identifiants' }).waitFor({ timeout: 60_000 });
  const messages = dialog.locator('#directory-messages > li');
  expect((await messages.count()) === 20, `${await messages.count()} messages, expected 20`);
  const firstMessage = await messages.first().locator('pre').innerText();
  expect(/Identifiant : \S+/.test(firstMessage) && /Mot de passe : \S+/.test(firstMessage), `unexpected message: ${firstMessage}`);
  ok('20 messages with login and password');
  await checkScreen(page, 'annuaire-regeneration');
  await messages.first().getByRole('button', { name: /^Copier/ }).click();
  await dialog.locator('.directory__copied').filter({ hasText: 'Copié' }).waitFor();
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  expect(clip.trim() === firstMessage.trim(), `clipboard holds: ${clip}`);
  ok('message copied to the clipboard, « Copié » announced');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  expect(await isFocused(okButton), 'focus not returned to « ok »');
  await count.filter({ hasText: 'Aucun utilisateur sélectionné' }).waitFor();
  ok('Escape closes the dialog, focus back on « ok », selection emptied');

  step('the whole search (both pages): confirmation names the 25, then cancel');
  await page.getByRole('button', { name: /tous les résultats \(25\)/ }).click();
  await dialog.getByText(/soit 25 utilisateurs/).waitFor();
  await dialog.getByText(`groupe « ${CLASS} »`).waitFor();
  await dialog.getByRole('button', { name: 'Annuler' }).click();
  await dialog.waitFor({ state: 'detached' });
  ok('« tous les résultats » counts every page');

  step('recherche technique: by login, then by id');
  await modeTab('Recherche technique').click();
  const technical = page.getByRole('tabpanel', { name: 'Recherche technique' });
  await technical.getByLabel('Identifiant', { exact: true }).fill(jerome.login);
  await technical.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await status.filter({ hasText: `1 utilisateur trouvé : identifiant « ${jerome.login} »` }).waitFor();
  await table.getByRole('rowheader', { name: 'CAVEROT' }).waitFor();
  expect(!page.url().includes('group='), 'the technical search should not keep the group');
  await technical.getByLabel('Identifiant', { exact: true }).fill('');
  await technical.getByLabel('Id ENT').fill(jerome.id);
  await technical.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await status.filter({ hasText: `1 utilisateur trouvé : id « ${jerome.id} »` }).waitFor();
  await table.getByRole('rowheader', { name: 'CAVEROT' }).waitFor();
  ok(`login ${jerome.login} and id ${jerome.id} each find Jérôme Caverot`);
  await checkScreen(page, 'annuaire-technique');
  await technical.getByLabel('Id ENT').fill('');
  await technical.getByLabel('Identifiant', { exact: true }).fill('personne.inconnue');
  await technical.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await page.getByText('Aucun utilisateur ne correspond à ces critères.').waitFor();
  expect((await table.count()) === 0, 'no table when nothing matches');
  ok('an unknown login finds nobody, and says so');
  await checkScreen(page, 'annuaire-technique-vide');

  step('create a user with a missing field');
  await page.getByRole('button', { name: 'Créer un utilisateur' }).click();
  const form = page.locator('#directory-create-form');
  await form.waitFor({ state: 'visible' });
  await form.getByLabel('Profil *', { exact: true }).selectOption('Autre / invité');
  await form.getByLabel('Prénom *', { exact: true }).fill('Camille');
  await form.getByRole('button', { name: 'Créer l’utilisateur' }).click();
  const nameError = form.locator('#directory-new-family_name-error');
  await nameError.filter({ hasText: /obligatoire/ }).waitFor();
  const familyName = form.getByLabel('Nom *', { exact: true });
  expect((await familyName.getAttribute('aria-invalid')) === 'true', 'the family name field is not marked invalid');
  expect(await isFocused(familyName), 'focus not on the invalid field');
  ok(`field error shown next to « Nom » : ${await nameError.innerText()}`);

  step('create the user properly');
  await familyName.fill('Testeur');
  await form.getByLabel('Matière enseignée').fill('Éducation musicale');
  await form.getByRole('button', { name: 'Créer l’utilisateur' }).click();
  const createdLogin = page.locator('.directory__created-login');
  await createdLogin.waitFor();
  const login = (await createdLogin.innerText()).trim();
  expect(/^camille\.testeur\d*$/.test(login), `unexpected login ${login}`);
  expect(!(await nameError.isVisible()), 'stale field error after success');
  ok(`user created, login ${login}`);
  await checkScreen(page, 'annuaire-creation');
  // (The advanced panel is hidden here: its select is found by id.)
  await page.locator('#directory-subject option', { hasText: 'Éducation musicale' }).waitFor({ state: 'attached' });
  ok('the new subject joins « Matière enseignée » of the advanced search');

  step('find the created user by login, block then unblock, with confirmation');
  await technical.getByLabel('Identifiant', { exact: true }).fill(login);
  await technical.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await status.filter({ hasText: `identifiant « ${login} »` }).waitFor();
  const row = table.getByRole('row').filter({ hasText: login });
  await row.getByRole('cell', { name: SCHOOL }).waitFor();
  await row.getByRole('button', { name: /^Bloquer/ }).click();
  await dialog.getByRole('heading', { name: 'Bloquer le compte' }).waitFor();
  await dialog.getByRole('button', { name: 'Bloquer', exact: true }).click();
  await page.locator('.banner--shown').filter({ hasText: 'est bloqué' }).waitFor();
  await row.getByRole('cell', { name: 'Bloqué' }).waitFor();
  await row.getByRole('button', { name: /^Débloquer/ }).click();
  await dialog.getByRole('button', { name: 'Débloquer', exact: true }).click();
  await page.locator('.banner--shown').filter({ hasText: 'est débloqué' }).waitFor();
  await row.getByRole('cell', { name: 'Opérationnel' }).waitFor();
  ok('blocked then unblocked');

  await signOut(page);
});
