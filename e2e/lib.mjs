// What every browser flow shares: launching Debian's Chromium through playwright-core, signing
// in (with the second factor computed like an authenticator app), axe-core, screenshots, and a
// uniform "e2e: N passed, M failed" report.
//
// A flow is a file e2e/<name>.mjs that calls `runFlow('<name>', async (page) => { … })`;
// scripts/e2e.sh runs every flow against one demo server (SESAME_URL).
import { createRequire } from 'node:module';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { secondsLeft, totp } from './totp.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..');
export const outDir = path.join(repoRoot, 'target', 'e2e');
export const baseUrl = (process.env.SESAME_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The demo's staff (crates/store/src/demo/staff.rs): one password, one TOTP secret. */
export const DEMO_PASSWORD = 'educonnect-demo';
export const TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
export const STEP_TIMEOUT_MS = 30_000;
const OVERALL_TIMEOUT_MS = 240_000;

// Playwright adds --headless and its own temporary --user-data-dir (it refuses one in args).
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

let currentStep = 'start';
export const step = (name) => {
  currentStep = name;
};
export const ok = (what) => console.log(`ok - ${what}`);

async function injectAxe(page) {
  try {
    await page.addScriptTag({ path: axePath });
  } catch (e) {
    // A strict Content-Security-Policy (no inline scripts) refuses the injected <script>;
    // evaluating through the DevTools protocol is not subject to it. Bypassing CSP for the
    // whole context instead would hide CSP violations by the SPA itself.
    if (!/Content Security Policy/i.test(e.message)) throw e;
    await page.evaluate(await readFile(axePath, 'utf8'));
  }
}

/** Runs axe on the whole page; prints and returns the number of violations. */
export async function axeViolations(page, label) {
  await injectAxe(page);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
      summary: v.nodes.map((n) => n.failureSummary).filter(Boolean)[0],
    }));
  });
  for (const v of violations) {
    console.error(`axe (${label}): ${v.id} [${v.impact}] ${v.help}`);
    for (const t of v.targets) console.error(`    at ${t}`);
    if (v.summary) console.error(`    ${v.summary.replace(/\n/g, '\n    ')}`);
  }
  return violations.length;
}

/** Screenshot to target/e2e/<name>.png, then axe: a screen is reviewed and checked at once. */
export async function checkScreen(page, name) {
  await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: true });
  const n = await axeViolations(page, name);
  if (n > 0) throw new Error(`axe found ${n} accessibility violation(s) on ${name}`);
  ok(`axe: no violation on ${name} (screenshot target/e2e/${name}.png)`);
}

export async function isFocused(locator) {
  return locator.evaluate((el) => el === document.activeElement);
}

// Presses Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would.
export async function tabTo(page, target, key = 'Tab', max = 40) {
  for (let i = 0; i < max; i += 1) {
    if (await isFocused(target)) return;
    await page.keyboard.press(key);
  }
  if (!(await isFocused(target))) throw new Error(`${key} never reached ${target}`);
}

/**
 * Opens the SPA and signs in; answers the second factor when asked. Ends on the
 * establishment chooser.
 */
export async function signIn(page, username, password = DEMO_PASSWORD) {
  step(`open ${baseUrl}/ and sign in as ${username}`);
  const response = await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' });
  if (!response || !response.ok()) {
    throw new Error(`GET / answered ${response ? response.status() : 'nothing'}`);
  }
  const user = page.getByLabel('Identifiant', { exact: true });
  await user.waitFor({ state: 'visible' });
  await user.fill(username);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();

  const totpField = page.getByLabel('Code de vérification (clé OTP)');
  const home = page.getByRole('heading', { name: 'Choisir un établissement' });
  const alert = page.locator('[role="alert"].alert--shown');
  await totpField.or(home).or(alert).first().waitFor({ state: 'visible' });
  if (await alert.isVisible()) throw new Error(`login refused: ${await alert.innerText()}`);
  if (await totpField.isVisible()) {
    step(`answer the second factor for ${username}`);
    // A code about to expire may reach the server one step too late.
    if (secondsLeft() < 3) await page.waitForTimeout(secondsLeft() * 1000 + 200);
    await totpField.fill(totp(TOTP_SECRET));
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await home.or(alert).first().waitFor({ state: 'visible' });
    if (await alert.isVisible()) {
      // A code is accepted once (replay protection): another flow that signed the same person
      // in during this 30-second step used it. The next step's code is fresh.
      const wait = secondsLeft() * 1000 + 1500;
      ok(`code already used for ${username}: trying the next one in ${Math.round(wait / 1000)} s`);
      await page.waitForTimeout(wait);
      await totpField.fill(totp(TOTP_SECRET));
      await page.getByRole('button', { name: 'Se connecter' }).click();
      try {
        await home.waitFor({ state: 'visible', timeout: 10_000 });
      } catch {
        throw new Error(`TOTP refused twice: ${await alert.innerText().catch(() => '')}`);
      }
    }
  }
  ok(`signed in as ${username}`);
}

/** From the chooser, opens an establishment's home by its UAI. */
export async function chooseEstablishment(page, uai) {
  step(`choose ${uai}`);
  const card = page.locator('li.establishment', { hasText: uai });
  await card.getByRole('button', { name: /Choisir/ }).click();
  await page.getByRole('navigation', { name: 'Rubriques de l’établissement' }).waitFor();
}

/** The names of the tabs the establishment screen offers. */
export async function tabNames(page) {
  const nav = page.getByRole('navigation', { name: 'Rubriques de l’établissement' });
  // The tabs come with the caller's rights, after the bar itself: wait for them, then for
  // their number to settle (a loaded machine showed the bar empty for a moment).
  await nav.getByRole('link').first().waitFor({ timeout: STEP_TIMEOUT_MS });
  let names = [];
  for (let stable = 0; stable < 2; ) {
    const now = (await nav.getByRole('link').allInnerTexts()).map((t) => t.trim());
    stable = now.join('|') === names.join('|') ? stable + 1 : 0;
    names = now;
    if (stable < 2) await page.waitForTimeout(150);
  }
  return names;
}

export async function signOut(page) {
  step('sign out');
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByLabel('Identifiant', { exact: true }).waitFor({ state: 'visible' });
  ok('signed out');
}

/**
 * Runs one flow in a fresh browser and prints `e2e <name>: 1 passed, 0 failed` (or failed,
 * with the step, the page's errors and a failure screenshot). Sets the exit code.
 */
export async function runFlow(name, flow) {
  await mkdir(outDir, { recursive: true });
  const watchdog = setTimeout(() => {
    console.error(`e2e ${name}: timed out after ${OVERALL_TIMEOUT_MS / 1000} s during: ${currentStep}`);
    console.log(`e2e ${name}: 0 passed, 1 failed`);
    process.exit(1);
  }, OVERALL_TIMEOUT_MS);
  watchdog.unref();

  let browser;
  const pageErrors = [];
  const failure = path.join(outDir, `failure-${name}.png`);
  try {
    step(`launch ${executablePath}`);
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    const context = await browser.newContext({
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.on('pageerror', (e) => pageErrors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
    });
    page.on('requestfailed', (r) =>
      pageErrors.push(`request failed: ${r.method()} ${r.url()} (${r.failure()?.errorText})`),
    );
    try {
      await flow(page);
      step('check for uncaught errors in the page');
      // An uncaught exception (a wasm panic among them) is a failure even if the flow went on.
      const uncaught = pageErrors.filter((line) => line.startsWith('page error:'));
      if (uncaught.length > 0) throw new Error(`uncaught error in the page: ${uncaught[0]}`);
    } catch (e) {
      await page.screenshot({ path: failure, fullPage: true }).catch(() => {});
      throw e;
    }
    console.log(`e2e ${name}: 1 passed, 0 failed`);
    process.exitCode = 0;
  } catch (e) {
    console.error(`e2e ${name}: FAILED while trying to ${currentStep} (${baseUrl}): ${e.message}`);
    for (const line of pageErrors) console.error(`  ${line}`);
    if (browser) console.error(`  screenshot: ${path.relative(repoRoot, failure)}`);
    console.log(`e2e ${name}: 0 passed, 1 failed`);
    process.exitCode = 1;
  } finally {
    if (browser) await browser.close().catch(() => {});
  }
}

/**
 * Ticks `values` (their labels) in the drop-down multi-select whose button reads `label`
 * (frontend/src/multiselect.rs: « Classe(s) », « MEF »…), then closes it with Escape.
 */
export async function chooseInMultiSelect(page, label, values) {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const button = page.getByRole('button', { name: new RegExp(`^${escaped}( \\(\\d+\\))?$`) });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  const panel = page.locator(`[id="${await button.getAttribute('aria-controls')}"]`);
  for (const v of values) await panel.getByLabel(v, { exact: true }).check();
  await page.keyboard.press('Escape');
}
