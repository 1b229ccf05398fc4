#!/usr/bin/env node
// Browser checks against a running server: axe-core (WCAG 2.1 A/AA), chart text of at least
// 12 px, and horizontal overflow at a phone-sized viewport, in Danish and in English.
//
//   node check.mjs [BASE_URL]        (default http://127.0.0.1:18080)
//
// Environment:
//   CHROMIUM        Chromium binary (default /usr/bin/chromium)
//   CHECK_EMAIL     an administrator's e-mail; if unset, the pages behind login are skipped
//   CHECK_PASSWORD  its password
//   CHECK_ONLY      only pages whose label contains this string (for local work)
//
// Exits 0 when every check passes, 1 on any failure, 2 when the run itself could not start.

import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// ---------------------------------------------------------------------------------------
// What to check. Extend here.
//
// An entry is either a path string, or an object with:
//   label   what the summary line shows (defaults to the path)
//   path    a string, or async (h) => string (h: the helpers below, e.g. h.firstProtocol())
//   open    async (page, h) => Response: for pages reached by submitting a form; must
//           return the response of the final navigation (h.submitForm does)
//   login   true: needs the administrator's session (skipped when CHECK_EMAIL is unset)
// ---------------------------------------------------------------------------------------
const PAGES = [
  '/',
  '/protokoller',
  '/protokoller?postcode=8000&max_km=100',
  '/soeg?q=lunge',
  '/soeg?q=lunge&postcode=8000',
  { label: '/protokoller/{first}', path: (h) => h.firstProtocol() },
  { label: '/protokoller/{first}?postcode=8000', path: async (h) => `${await h.firstProtocol()}?postcode=8000` },
  { label: '/protokoller/{first}/print?postcode=8000', path: async (h) => `${await h.firstProtocol()}/print?postcode=8000` },
  '/protokoller?postcode=8000&max_km=1',
  '/soeg?q=lungekr%C3%A6ft&postcode=8000&max_km=30',
  '/ordliste',
  '/find-forsoeg',
  {
    label: 'POST /find-forsoeg',
    open: (page, h) =>
      h.submitForm(page, '/find-forsoeg', '#patient-form', {
        // a select: its first non-empty option; an input: this text
        diagnosis: { input: 'Lungekræft' },
        age: '60',
        postcode: '8000',
        max_km: '50',
      }),
  },
  '/om',
  '/api',
  '/abonnement',
  '/abonnement?dmcg=DBCG&region=1084',
  '/gennemsigtighed',
  '/gennemsigtighed?year=2025',
  '/gennemsigtighed?year=2025&quarter=2&dmcg=DBCG',
  '/dmcg/DLCG',
  '/regioner/1081',
  '/afdelinger',
  '/afdelinger/AUH-ONK',
  '/afdelinger/RH-BOERN',
  { path: '/match', login: true },
  {
    label: 'POST /match',
    login: true,
    open: (page, h) =>
      h.submitForm(page, '/match', '#match-form', { diagnosis: 'C50', age: '67', postcode: '8000' }),
  },
  { path: '/match/konference', login: true },
  {
    label: 'POST /match/konference',
    login: true,
    open: (page, h) =>
      h.submitForm(page, '/match/konference', '#conference-form', {
        'cases[0].case': 'K1',
        'cases[0].age': '67',
        'cases[0].diagnosis': 'C50',
        'cases[0].postcode': '8000',
        'cases[1].case': 'K2',
        'cases[1].age': '8',
        'cases[1].diagnosis': 'C71',
        'cases[1].postcode': '9000',
      }),
  },
  { path: '/tilbud', login: true },
  { path: '/tilbud?outcome=pending&offered=yes', login: true },
  { path: '/tilbud/indikator', login: true },
  { path: '/tilbud/indikator?year=2025&quarter=2', login: true },
  { path: '/tilbud/ny', login: true },
  { path: '/redaktion', login: true },
  { path: '/redaktion/ny', login: true },
  { path: '/redaktion/ctgov', login: true },
  { label: '/redaktion/kladder/{first}', login: true, path: (h) => h.firstDraft() },
  { path: '/admin', login: true },
  { path: '/admin/historik', login: true },
  { label: '/admin/kladder/{first}', login: true, path: async (h) => (await h.firstDraft()).replace('/redaktion/', '/admin/') },
];

const LANGS = ['da', 'en'];

// axe runs at every viewport; the overflow check only where `overflow` is set.
const VIEWPORTS = [
  { label: '390px', width: 390, height: 844, overflow: true },
  { label: '1280px', width: 1280, height: 800, overflow: false },
];

const TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------------------------------

const BASE = (process.argv[2] || 'http://127.0.0.1:18080').replace(/\/+$/, '');
const EMAIL = process.env.CHECK_EMAIL || '';
const PASSWORD = process.env.CHECK_PASSWORD || '';
const ONLY = process.env.CHECK_ONLY || '';

const url = (path) => new URL(path, `${BASE}/`).href;
const pathOf = (href) => {
  const u = new URL(href);
  return u.pathname + u.search;
};
const isOk = (resp) => resp != null && resp.status() >= 200 && resp.status() < 300;

class CheckError extends Error {}

async function goto(page, path) {
  const resp = await page.goto(url(path), { waitUntil: 'load' });
  if (!resp) throw new CheckError(`no response for ${path}`);
  if (!isOk(resp)) throw new CheckError(`HTTP ${resp.status()} for ${pathOf(resp.url())}`);
  return resp;
}

// Fills the named fields of a form and submits it. A value is a string, or
// { input: 'text' } meaning "type this into an input, or take the first non-empty option
// if the field is a select". Fields that are absent are skipped.
async function submitForm(page, formPath, formSelector, values) {
  await goto(page, formPath);
  const form = page.locator(formSelector);
  if ((await form.count()) === 0) throw new CheckError(`no ${formSelector} on ${formPath}`);
  for (const [name, value] of Object.entries(values)) {
    const field = form.locator(`[name="${name}"]`).first();
    if ((await field.count()) === 0) continue;
    const tag = await field.evaluate((el) => el.tagName.toLowerCase());
    const text = typeof value === 'string' ? value : value.input;
    if (tag === 'select') {
      // A plain string picks the option with that value or label; { input } (or no match)
      // picks the first non-empty option.
      const want = typeof value === 'string' ? value : null;
      const chosen = await field.evaluate((s, want) => {
        const opts = [...s.options].filter((o) => o.value !== '');
        const hit =
          (want != null &&
            (opts.find((o) => o.value === want) ||
              opts.find((o) => o.textContent.trim().toLowerCase() === want.toLowerCase()))) ||
          opts[0];
        return hit ? hit.value : null;
      }, want);
      if (chosen == null) throw new CheckError(`select ${name} on ${formPath} has no non-empty option`);
      await field.selectOption(chosen);
    } else {
      await field.fill(text);
    }
  }
  const submit = form.locator('button[type=submit], input[type=submit]').first();
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), submit.click()]);
  if (!resp) throw new CheckError(`no response after submitting ${formSelector}`);
  if (!isOk(resp)) throw new CheckError(`HTTP ${resp.status()} after submitting ${formSelector} (${pathOf(resp.url())})`);
  const errors = await page
    .locator(`${formSelector} .field-error, ${formSelector} [aria-invalid="true"], .form-error`)
    .evaluateAll((els) => els.map((e) => (e.getAttribute('name') ? `${e.getAttribute('name')} invalid` : e.textContent.trim())));
  if (errors.length) throw new CheckError(`form ${formSelector} was rejected: ${errors.join('; ')}`);
  return resp;
}

// The first link on `listPath` whose address matches `pattern`, looked up once per context.
const firstLinks = new Map();
function firstLink(context, listPath, pattern) {
  const key = `${listPath} ${pattern}`;
  if (!firstLinks.has(key)) {
    const found = (async () => {
      const page = await context.newPage();
      try {
        await goto(page, listPath);
        const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
        const href = hrefs.find((h) => pattern.test(h));
        if (!href) throw new CheckError(`no link matching ${pattern} on ${listPath}`);
        return href;
      } finally {
        await page.close();
      }
    })();
    found.catch(() => {});
    firstLinks.set(key, found);
  }
  return firstLinks.get(key);
}

let firstProtocolCache;
async function firstProtocol(context) {
  if (!firstProtocolCache) {
    firstProtocolCache = (async () => {
      const page = await context.newPage();
      try {
        await goto(page, '/protokoller');
        const hrefs = await page.$$eval('a[href^="/protokoller/"]', (as) => as.map((a) => a.getAttribute('href')));
        const slug = hrefs.find((h) => /^\/protokoller\/[^/?#]+$/.test(h));
        if (!slug) throw new CheckError('no protocol link on /protokoller');
        return slug;
      } finally {
        await page.close();
      }
    })();
    firstProtocolCache.catch(() => {});
  }
  return firstProtocolCache;
}

// Runs in the page: the elements that stick out to the right of the viewport, widest first,
// counting only those whose parent fits (where the overflow starts). Elements clipped by an
// ancestor that scrolls or hides overflow and itself fits are left out, since they do not
// widen the page.
function findOverflow() {
  const iw = window.innerWidth;
  const sw = document.documentElement.scrollWidth;
  if (sw <= iw) return { iw, sw, offenders: [] };
  const short = (el) => {
    const part = (e) => {
      let s = e.tagName.toLowerCase();
      if (e.id) return `${s}#${e.id}`;
      const cls = [...e.classList].slice(0, 2);
      if (cls.length) s += `.${cls.join('.')}`;
      const parent = e.parentElement;
      if (parent) {
        const same = [...parent.children].filter((c) => c.tagName === e.tagName);
        if (same.length > 1) s += `:nth-of-type(${same.indexOf(e) + 1})`;
      }
      return s;
    };
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      parts.unshift(part(e));
      if (e.id) break;
    }
    return parts.join(' > ');
  };
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox !== 'visible' && a.getBoundingClientRect().right <= iw + 0.5) return true;
    }
    return false;
  };
  const sticksOut = (el) => el.getBoundingClientRect().right > iw + 0.5;
  const all = [document.body, ...document.body.querySelectorAll('*')].filter((el) => sticksOut(el) && !clipped(el));
  // Report where the overflow starts: an offender whose parent fits. Otherwise the list
  // would be one wide table and four of its own rows and cells.
  const starts = all.filter((el) => {
    const p = el.parentElement;
    return !p || p === document.documentElement || !sticksOut(p);
  });
  const offenders = (starts.length ? starts : all).map((el) => {
    const r = el.getBoundingClientRect();
    const text = (el.innerText || el.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim().slice(0, 50);
    return { sel: short(el), right: Math.round(r.right), width: Math.round(r.width), text };
  });
  offenders.sort((a, b) => b.right - a.right);
  return { iw, sw, total: all.length, starts: starts.length, offenders: offenders.slice(0, 5) };
}

// Runs in the page: SVG text drawn smaller than 12 CSS px (its font size times the scale at
// which its <svg> is shown), at most five of them.
function findSmallChartText() {
  const out = [];
  for (const t of document.querySelectorAll('svg text')) {
    const svg = t.ownerSVGElement;
    const box = svg.getBoundingClientRect();
    if (!box.width) continue;
    const vb = svg.viewBox.baseVal;
    const scale = vb && vb.width ? box.width / vb.width : 1;
    const px = parseFloat(getComputedStyle(t).fontSize) * scale;
    if (px < 11.95) out.push({ svg: svg.id || svg.getAttribute('class') || 'svg', text: t.textContent.trim().slice(0, 30), px: px.toFixed(1) });
  }
  return out.slice(0, 5);
}

// One-line fields drawn taller than a few lines of text: a flex rule meant for a row that
// lands on a column stretches an <input> to its flex-basis (the search box was once 20rem tall).
function findTallInputs() {
  const out = [];
  for (const el of document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select:not([multiple])')) {
    const box = el.getBoundingClientRect();
    const line = parseFloat(getComputedStyle(el).fontSize) || 16;
    if (box.height > 4 * line) out.push({ sel: el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}[name=${el.name}]`, height: Math.round(box.height) });
  }
  return out.slice(0, 5);
}

async function checkPage(page, lang, vp) {
  const problems = [];

  for (const t of await page.evaluate(findTallInputs)) {
    problems.push(`one-line field ${t.height} px tall: ${t.sel}`);
  }

  for (const t of await page.evaluate(findSmallChartText)) {
    problems.push(`chart text under 12 px: ${t.px} px in ${t.svg}: "${t.text}"`);
  }

  const htmlLang = await page.evaluate(() => document.documentElement.lang);
  if (!htmlLang.toLowerCase().startsWith(lang)) problems.push(`language: <html lang="${htmlLang}">, expected ${lang}`);

  if (vp.overflow) {
    const o = await page.evaluate(findOverflow);
    if (o.sw > o.iw) {
      problems.push(
        `overflow: scrollWidth ${o.sw} > innerWidth ${o.iw}; ${o.total} elements stick out, ` +
          `the overflow starts at ${o.starts} of them (widest ${o.offenders.length} shown)`,
      );
      for (const e of o.offenders) problems.push(`    right=${e.right} width=${e.width}  ${e.sel}${e.text ? `  "${e.text}"` : ''}`);
      if (!o.offenders.length) problems.push('    (no single element reaches past the viewport; look for negative margins or transforms)');
    }
  }

  await page.addScriptTag({ path: AXE_PATH });
  const res = await page.evaluate((values) => axe.run(document, { runOnly: { type: 'tag', values } }), AXE_TAGS);
  for (const v of res.violations) {
    problems.push(`axe: ${v.id} [${v.impact}] ${v.help} (${v.nodes.length} node${v.nodes.length === 1 ? '' : 's'})`);
    for (const n of v.nodes) {
      const why = (n.failureSummary || '').split('\n').map((s) => s.trim()).filter((s) => s && !/^Fix (any|all)/.test(s)).join('; ');
      problems.push(`    ${n.target.join(' ')}${why ? `  -- ${why.slice(0, 220)}` : ''}`);
    }
  }
  return problems;
}

async function logIn(context, lang) {
  const page = await context.newPage();
  try {
    await goto(page, '/login');
    const form = page.locator('form[action="/login"]').first();
    const fields = form.locator('input:visible');
    const n = await fields.count();
    for (let i = 0; i < n; i++) {
      const f = fields.nth(i);
      const type = (await f.getAttribute('type')) || 'text';
      if (type === 'password') await f.fill(PASSWORD);
      else if (type === 'email' || /mail|user/i.test((await f.getAttribute('name')) || '')) await f.fill(EMAIL);
    }
    const [resp] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      form.locator('button[type=submit], input[type=submit]').first().click(),
    ]);
    if (!isOk(resp) || new URL(page.url()).pathname === '/login') {
      const msg = (await page.locator('.form-error').allTextContents()).join(' ').trim();
      throw new CheckError(`login as ${EMAIL} failed (HTTP ${resp ? resp.status() : 'none'})${msg ? `: ${msg}` : ''}`);
    }
  } finally {
    await page.close();
  }
}

function entries() {
  return PAGES.map((p) => (typeof p === 'string' ? { path: p } : p))
    .map((p) => ({ ...p, label: p.label || p.path }))
    .filter((p) => !ONLY || p.label.includes(ONLY));
}

async function main() {
  const started = Date.now();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const failures = [];
  let passed = 0;
  const report = (lang, vp, label, problems) => {
    if (problems.length === 0) {
      passed++;
      console.log(`ok  ${lang} ${vp} ${label}`);
    } else {
      failures.push({ lang, vp, label, problems });
      console.log(`FAIL ${lang} ${vp} ${label}`);
      for (const p of problems) console.log(`        ${p}`);
    }
  };

  const list = entries();
  const needsLogin = list.some((p) => p.login);
  if (needsLogin && !EMAIL) console.log('note: CHECK_EMAIL is unset; skipping the pages behind login (/match and its results)');

  try {
    for (const lang of LANGS) {
      // A fresh context per language: the language lives in a cookie set by /sprog/{lang}.
      const context = await browser.newContext({
        // The site's CSP forbids scripts (script-src 'none'); axe is injected anyway.
        bypassCSP: true,
        locale: lang === 'da' ? 'da-DK' : 'en-GB',
      });
      context.setDefaultTimeout(TIMEOUT_MS);
      context.setDefaultNavigationTimeout(TIMEOUT_MS);
      const h = {
        firstProtocol: () => firstProtocol(context),
        firstDraft: () => firstLink(context, '/redaktion', /^\/redaktion\/kladder\/\d+$/),
        submitForm,
      };
      {
        const page = await context.newPage();
        try {
          await goto(page, `/sprog/${lang}`);
        } catch (e) {
          report(lang, '-', `/sprog/${lang}`, [`language switch: ${e.message}`]);
        }
        await page.close();
      }

      let loggedIn = false;
      let loginError = null;
      for (const entry of list) {
        if (entry.login) {
          if (!EMAIL) continue;
          if (!loggedIn && !loginError) {
            try {
              await logIn(context, lang);
              loggedIn = true;
            } catch (e) {
              loginError = e.message;
            }
          }
        }
        for (const vp of VIEWPORTS) {
          let label = entry.label;
          if (entry.login && loginError) {
            report(lang, vp.label, label, [`not checked: ${loginError}`]);
            continue;
          }
          const page = await context.newPage();
          await page.setViewportSize({ width: vp.width, height: vp.height });
          try {
            if (entry.open) {
              await entry.open(page, h);
            } else {
              const path = typeof entry.path === 'function' ? await entry.path(h) : entry.path;
              label = path;
              await goto(page, path);
            }
            report(lang, vp.label, label, await checkPage(page, lang, vp));
          } catch (e) {
            report(lang, vp.label, label, [e instanceof CheckError ? e.message : `error: ${e.message.split('\n')[0]}`]);
          } finally {
            await page.close();
          }
        }
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }

  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\n${passed} ok, ${failures.length} failed (${secs} s, ${BASE})`);
  if (failures.length) {
    console.log('failed:');
    for (const f of failures) console.log(`  ${f.lang} ${f.vp} ${f.label}`);
  }
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((e) => {
  console.error(`browser check could not run: ${e.stack || e}`);
  process.exit(2);
});
