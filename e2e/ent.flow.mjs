// The ENT administrator's flow in « Annuaire » (seed 000), against a running demo server.
//
// ent-admin signs in (password only) and opens the primary school 0251233E, whose tabs are
// « Accueil » and « Annuaire »; a simple search kept across a reload, the advanced search, the
// group tree browsed « école → Groupes pédagogiques → Classes » to pick a class, the pages of
// the class, the regeneration of the whole class's passwords (confirmation, then one message
// per user, « Copier » → « Copié », Escape gives focus back), a user created with a missing
// field then properly (login shown), and that user blocked then unblocked; axe on each screen.
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
} from './lib.mjs';

const UAI = '0251233E';
const CLASS = 'CE2 A - M. CAVEROT';

runFlow('ent', async (page) => {
  await page
    .context()
    .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });

  await signIn(page, 'ent-admin');
  await chooseEstablishment(page, UAI);

  step('check the tabs offered to the ENT administrator');
  const tabs = await tabNames(page);
  if (JSON.stringify(tabs) !== JSON.stringify(['Accueil', 'Annuaire'])) {
    throw new Error(`tabs are ${JSON.stringify(tabs)}, expected Accueil and Annuaire only`);
  }
  ok('tabs: Accueil, Annuaire');

  step('open « Annuaire »');
  await page
    .getByRole('navigation', { name: 'Rubriques de l’établissement' })
    .getByRole('link', { name: 'Annuaire' })
    .click();
  await page.getByRole('heading', { name: 'Annuaire — Administration' }).waitFor();
  const status = page.locator('.results__count');
  await status.filter({ hasText: /trouvés? dans l’établissement/ }).waitFor();
  ok(`directory opened: ${await status.innerText()}`);

  step('simple search by family name');
  const simple = page.getByLabel('Nom ou identifiant', { exact: true });
  await simple.fill('Caverot');
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await status.filter({ hasText: 'nom commençant par « Caverot »' }).waitFor();
  const table = page.getByRole('table', { name: /Utilisateurs de l’annuaire/ });
  await table.getByRole('rowheader', { name: 'CAVEROT' }).first().waitFor();
  if (!page.url().includes('q=Caverot')) throw new Error(`search not in the URL: ${page.url()}`);
  ok('simple search finds CAVEROT, and is in the URL');
  await checkScreen(page, 'annuaire');

  step('reload: the search is restored from the URL');
  await page.reload({ waitUntil: 'domcontentloaded' });
  await status.filter({ hasText: 'nom commençant par « Caverot »' }).waitFor();
  if ((await simple.inputValue()) !== 'Caverot') throw new Error('search field not restored');
  ok('reload keeps the search');

  step('open the advanced search (disclosure)');
  const disclosure = page.getByRole('button', { name: 'Recherche avancée' });
  if ((await disclosure.getAttribute('aria-expanded')) !== 'false') {
    throw new Error('advanced search should start folded');
  }
  await disclosure.click();
  await page.getByLabel('Profil', { exact: true }).waitFor({ state: 'visible' });
  if ((await disclosure.getAttribute('aria-expanded')) !== 'true') {
    throw new Error('aria-expanded not updated');
  }
  if (!page.url().includes('avancee=1')) throw new Error(`disclosure not in the URL: ${page.url()}`);
  await page.getByRole('button', { name: 'Réinitialiser' }).click();
  await status.filter({ hasText: /dans l’établissement/ }).waitFor();
  ok('advanced search unfolded, criteria reset');

  step('browse the groups: école → Groupes pédagogiques → Classes → the class');
  const browse = page.getByRole('button', { name: 'Parcourir les groupes' });
  await browse.click();
  const tree = page.locator('#directory-tree');
  await tree.waitFor({ state: 'visible' });
  await tree.locator('.tree__toggle').first().click();
  await tree.getByRole('button', { name: 'Sous-groupes de Groupes pédagogiques' }).click();
  // Keyboard only for the last level: focus the toggle and press Enter, then the class.
  const classesToggle = tree.getByRole('button', { name: 'Sous-groupes de Classes' });
  await classesToggle.focus();
  await page.keyboard.press('Enter');
  if ((await classesToggle.getAttribute('aria-expanded')) !== 'true') {
    throw new Error('Enter did not unfold « Classes »');
  }
  await checkScreen(page, 'annuaire-groupes');
  const classButton = tree.getByRole('button', { name: new RegExp(`^${CLASS.replace(/[.]/g, '\\.')}`) });
  await classButton.focus();
  await page.keyboard.press('Enter');
  await status.filter({ hasText: `groupe « ${CLASS} »` }).waitFor();
  if (!(await isFocused(browse))) throw new Error('focus should return to « Parcourir »');
  if (!page.url().includes('group=')) throw new Error(`group not in the URL: ${page.url()}`);
  const classTotal = Number((await status.innerText()).match(/(\d+) utilisateur/)[1]);
  ok(`class ${CLASS} chosen: ${classTotal} users (with sub-groups)`);

  step('paginate the class');
  const where = page.locator('.pagination__where');
  await where.filter({ hasText: /^Page 1 sur \d+$/ }).waitFor();
  const last = Number((await where.innerText()).match(/sur (\d+)/)[1]);
  const first = page.getByRole('button', { name: 'Première page' });
  if ((await first.getAttribute('aria-disabled')) !== 'true') {
    throw new Error('« Première page » should be aria-disabled on page 1');
  }
  if (last > 1) {
    await page.getByRole('button', { name: 'Page suivante' }).click();
    await where.filter({ hasText: `Page 2 sur ${last}` }).waitFor();
    if (!page.url().includes('page=2')) throw new Error(`page not in the URL: ${page.url()}`);
    ok(`« Page suivante » → Page 2 sur ${last}`);
  } else {
    ok('one page only');
  }

  step('regenerate the passwords of the whole class: confirmation first');
  const regenerateAll = page.getByRole('button', { name: /tous les résultats/ });
  await regenerateAll.click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: 'Régénérer le mot de passe' }).waitFor();
  await dialog.getByText(`groupe « ${CLASS} »`).waitFor();
  if (!(await dialog.evaluate((el) => el.contains(document.activeElement)))) {
    throw new Error('focus did not move into the confirmation dialog');
  }
  await checkScreen(page, 'annuaire-confirmation');
  await dialog.getByRole('button', { name: 'Régénérer', exact: true }).click();

  step('result dialog: one ready-to-copy message per user');
  await dialog.getByRole('heading', { name: 'Nouveaux identifiants' }).waitFor({ timeout: 60_000 });
  const messages = dialog.locator('#directory-messages > li');
  const n = await messages.count();
  if (n !== classTotal) throw new Error(`${n} messages, expected ${classTotal}`);
  const firstMessage = await messages.first().locator('pre').innerText();
  if (!/Identifiant : \S+/.test(firstMessage) || !/Mot de passe : \S+/.test(firstMessage)) {
    throw new Error(`unexpected message: ${firstMessage}`);
  }
  ok(`${n} messages with login and password`);
  await checkScreen(page, 'annuaire-regeneration');

  step('« Copier » one message → « Copié »');
  await messages.first().getByRole('button', { name: /^Copier/ }).click();
  await dialog.locator('.directory__copied').filter({ hasText: 'Copié' }).waitFor();
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  if (clip.trim() !== firstMessage.trim()) throw new Error(`clipboard holds: ${clip}`);
  ok('message copied to the clipboard, « Copié » announced');

  step('Escape closes the dialog and gives focus back');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  if (!(await isFocused(regenerateAll))) throw new Error('focus not returned to the opener');
  ok('dialog closed, focus back on the button');

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
  if ((await familyName.getAttribute('aria-invalid')) !== 'true') {
    throw new Error('the family name field is not marked invalid');
  }
  if (!(await isFocused(familyName))) throw new Error('focus not on the invalid field');
  ok(`field error shown next to « Nom » : ${await nameError.innerText()}`);

  step('create the user properly');
  await familyName.fill('Testeur');
  await form.getByRole('button', { name: 'Créer l’utilisateur' }).click();
  const createdLogin = page.locator('.directory__created-login');
  await createdLogin.waitFor();
  const login = (await createdLogin.innerText()).trim();
  if (!/^camille\.testeur\d*$/.test(login)) throw new Error(`unexpected login ${login}`);
  if (await nameError.isVisible()) throw new Error('stale field error after success');
  ok(`user created, login ${login}`);
  await checkScreen(page, 'annuaire-creation');

  step('block then unblock the created user, with confirmation');
  await page.getByRole('button', { name: 'Retirer le groupe' }).click();
  await status.filter({ hasText: /dans l’établissement/ }).waitFor();
  await simple.fill(login);
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await status.filter({ hasText: `identifiant « ${login} »` }).waitFor();
  const row = table.getByRole('row').filter({ hasText: login });
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
