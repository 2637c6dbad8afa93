// A staff session on a server with a short access-token lifetime (SESAME_ACCESS_TOKEN_TTL=8)
// and a short absolute lifetime (SESAME_SESSION_MAX_SECS): the head works through screens that
// fire several calls at once (« Élèves »: structure + search; « Statistiques ») across several
// expiries without being signed out — every renewal is shared, none is refused — and the
// absolute lifetime then sends them to the sign-in page with a French message.
//
// scripts/e2e.sh starts a second demo server for it and passes its address as SESAME_URL:
//   SESAME_ACCESS_TOKEN_TTL=8 SESAME_SESSION_MAX_SECS=90 sesame serve --demo …
//   SESAME_URL=http://127.0.0.1:PORT SESAME_SESSION_MAX_SECS=90 node e2e/session.flow.mjs
import { checkScreen, chooseEstablishment, ok, runFlow, signIn, step } from './lib.mjs';

const UAI = '0451442Y';
const ACCESS_TTL_S = Number(process.env.SESAME_ACCESS_TOKEN_TTL || 8);
const SESSION_MAX_S = Number(process.env.SESAME_SESSION_MAX_SECS || 90);

const tabsNav = (page) => page.getByRole('navigation', { name: 'Rubriques de l’établissement' });

async function openTab(page, name) {
  step(`open the « ${name} » tab`);
  await tabsNav(page).getByRole('link', { name, exact: true }).click();
}

async function students(page) {
  await openTab(page, 'Élèves');
  await page.getByRole('heading', { name: 'Gestion des comptes élèves' }).waitFor();
  await page.waitForFunction(() => /élève\(s\)/.test(document.querySelector('.results__count')?.textContent || ''));
}

async function statistics(page) {
  await openTab(page, 'Statistiques');
  await page.getByRole('table', { name: /^Comptes élèves par origine/ }).waitFor();
  await page.getByRole('table', { name: /^Comptes responsables par origine/ }).waitFor();
}

const signInPage = (page) => page.getByLabel('Identifiant', { exact: true });

async function run(page) {
  const refreshes = [];
  const unauthorized = [];
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/api/v1/auth/refresh') refreshes.push(r.status());
    else if (r.status() === 401 && url.pathname.startsWith('/api/')) unauthorized.push(url.pathname);
  });

  await signIn(page, 'principal');
  const openedAt = Date.now();
  await chooseEstablishment(page, UAI);

  // Each round waits out the access token, then opens a screen that fires concurrent calls:
  // all of them meet the expired token together.
  const rounds = [students, statistics, students, statistics];
  for (const [i, screen] of rounds.entries()) {
    step(`round ${i + 1}: let the access token expire (${ACCESS_TTL_S} s)`);
    // The server accepts a token up to 5 s past its expiry (clock leeway).
    await page.waitForTimeout((ACCESS_TTL_S + 7) * 1000);
    await screen(page);
    if (await signInPage(page).isVisible()) throw new Error(`signed out after expiry ${i + 1}`);
  }
  const refused = refreshes.filter((s) => s !== 200);
  if (refused.length > 0) throw new Error(`refreshes refused: ${JSON.stringify(refreshes)}`);
  // One renewal per expiry, however many calls met the expired token together: they waited
  // for the same refresh (the server's grace would hide duplicates, so count them here).
  if (refreshes.length !== rounds.length) {
    throw new Error(`expected ${rounds.length} renewals (one per expiry), saw ${refreshes.length}`);
  }
  if (unauthorized.length <= rounds.length) {
    throw new Error(`no screen fired concurrent calls at an expiry (${unauthorized.length} 401s)`);
  }
  ok(
    `${rounds.length} expiries outlived: ${unauthorized.length} calls met an expired token, ` +
      `${refreshes.length} shared renewals, none refused`,
  );
  await checkScreen(page, 'session-after-expiries');

  step(`wait for the session's absolute lifetime (${SESSION_MAX_S} s from sign-in)`);
  const left = openedAt + SESSION_MAX_S * 1000 - Date.now();
  if (left > 0) await page.waitForTimeout(left + 1000);
  await openTab(page, 'Élèves');
  await signInPage(page).waitFor({ state: 'visible' });
  const notice = page.locator('.notice--shown');
  await notice.waitFor();
  const text = (await notice.innerText()).trim();
  if (text !== 'Votre session a expiré ; reconnectez-vous.') {
    throw new Error(`sign-in notice is « ${text} »`);
  }
  ok(`the absolute lifetime ends the session: « ${text} »`);
  await checkScreen(page, 'session-expired');
}

runFlow('session', run);
