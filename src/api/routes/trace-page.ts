import { gongzhiField, sensorReadings } from '../../epcis/index.js';
import type { LedgerEventView, ResolverView } from './trace-view.js';

/**
 * The consumer page behind the QR code: small, server-rendered, mobile first, Chinese by default
 * with an English switch. It shows the garden, the picking and firing dates, the roles of picker
 * and processor (never personal names), sensor summaries and the chain of custody, and a badge
 * the page computes itself: it re-hashes every served event (CBV 2.0, /v1/trace/verify.js) and
 * compares the result with the hash on the ledger, saying what it checked.
 */

export type Lang = 'zh' | 'en';

const T = {
  zh: {
    title: '溯源',
    switchTo: 'English',
    product: '产品',
    gtin: '商品条码 GTIN',
    lot: '批次',
    serial: '序列号',
    sold: '售出',
    notSold: '尚未售出',
    verifying: '正在本页验证…',
    verified: (n: number | string) =>
      `已验证：本页重新计算了 ${n} 个事件的 CBV 2.0 哈希，全部与账本记录一致。`,
    mismatch: (n: number | string) => `警告：${n} 个事件与账本记录不一致，内容可能被篡改。`,
    missing: (n: number | string) => `${n} 个事件的原始记录未由本节点提供，无法核对。`,
    nothing: '没有可核对的事件。',
    checked:
      '核对内容：从节点获取每个事件的 EPCIS 原文，在浏览器中按 CBV 2.0 算法重新计算哈希，并与账本上的哈希比较。',
    scans: (n: number | string, p: number | string) => `此码已被扫描 ${n} 次，出现在 ${p} 个地点。`,
    flagged: (p: number | string) => `⚠ 此码已在 ${p} 个不同地点被扫描，超过正常范围，可能是仿冒品。`,
    garden: '茶园',
    region: '产地',
    area: '登记面积',
    capacity: '登记产能（每季鲜叶）',
    harvested: '本季已采',
    dates: '日期',
    pruned: '修剪',
    picked: '采摘',
    fired: '炒制',
    packed: '包装',
    roles: '工作角色',
    picker: '采摘',
    processor: '炒制',
    sensors: '传感器记录',
    custody: '流转记录',
    at: '地点',
    notFound: '账本上没有这个标识：可能不是正品。',
    json: '机器可读数据 (JSON)',
    hash: '事件哈希',
  },
  en: {
    title: 'Traceability',
    switchTo: '中文',
    product: 'Product',
    gtin: 'GTIN',
    lot: 'Lot',
    serial: 'Serial',
    sold: 'Sold',
    notSold: 'Not sold yet',
    verifying: 'Verifying in this page…',
    verified: (n: number | string) =>
      `Verified: this page re-computed the CBV 2.0 hash of ${n} events; all match the ledger.`,
    mismatch: (n: number | string) =>
      `Warning: ${n} events do not match the ledger; their content may have been altered.`,
    missing: (n: number | string) => `${n} events are not served by this node and could not be checked.`,
    nothing: 'No events to check.',
    checked:
      'What was checked: each event’s EPCIS document was fetched from the node, re-hashed in this browser with the CBV 2.0 algorithm, and compared with the hash on the ledger.',
    scans: (n: number | string, p: number | string) => `This code was scanned ${n} times, in ${p} places.`,
    flagged: (p: number | string) =>
      `⚠ This code was scanned in ${p} different places — more than one tin travels: likely counterfeit.`,
    garden: 'Garden',
    region: 'Region',
    area: 'Registered area',
    capacity: 'Registered capacity (fresh leaf per season)',
    harvested: 'Picked this season',
    dates: 'Dates',
    pruned: 'Pruned',
    picked: 'Picked',
    fired: 'Pan-fired',
    packed: 'Packed',
    roles: 'Roles',
    picker: 'Picking',
    processor: 'Firing',
    sensors: 'Sensor readings',
    custody: 'Chain of custody',
    at: 'at',
    notFound: 'This code is not on the ledger: it is probably not genuine.',
    json: 'Machine-readable data (JSON)',
    hash: 'event hash',
  },
} as const;

const KINDS: Record<string, [string, string]> = {
  garden: ['茶园', 'Tea garden'],
  factory: ['茶厂', 'Tea factory'],
  packer: ['包装厂', 'Packer'],
  logistics: ['物流', 'Logistics'],
  retailer: ['茶庄', 'Tea shop'],
  other: ['参与方', 'Participant'],
};

const STEPS: Record<string, [string, string]> = {
  picking: ['采摘', 'Picked'],
  'urn:gongzhi:bizstep:pan_firing': ['炒制', 'Pan-fired'],
  'urn:gongzhi:bizstep:harvesting': ['采摘', 'Harvested'],
  tinning: ['装罐', 'Packed into tins'],
  packing: ['装箱', 'Packed into a case'],
  shipping: ['发运', 'Shipped'],
  receiving: ['到店', 'Received'],
  retail_selling: ['售出', 'Sold'],
};

const SENSORS: Record<string, [string, string]> = {
  Temperature: ['温度', 'Temperature'],
  RelativeHumidity: ['相对湿度', 'Relative humidity'],
  VolumeFraction: ['土壤含水量', 'Soil moisture'],
};
const UNITS: Record<string, string> = { CEL: '°C', P1: '%', KGM: 'kg' };

const esc = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** `ms` at the offset `+08:00` as `2025-04-02 06:30`. */
function localTime(ms: number, offset: string | undefined): string {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset ?? '+08:00');
  const mins = m === null ? 480 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return new Date(ms + mins * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}

function stepKey(e: LedgerEventView): string {
  const step = e.bizStep.replace('https://ref.gs1.org/cbv/BizStep-', '');
  if (step === 'commissioning') return e.type === 'TransformationEvent' ? 'tinning' : 'picking';
  return step;
}

/** The page for a resolved identifier. */
export function renderTracePage(v: ResolverView, lang: Lang, path: string): string {
  const t = T[lang];
  const li = lang === 'zh' ? 0 : 1;
  const docOf = (e: LedgerEventView) => v.documents[e.hash]?.event;
  const who = (id: string): string => {
    const p = v.trace.participants.find((x) => x.id === id);
    const role = KINDS[p?.kind ?? 'other']?.[li] ?? id;
    return p?.name === undefined ? role : `${role} · ${p.name}`;
  };
  const events = v.trace.events;
  const origin = events.find((e) => stepKey(e) === 'picking');
  const firing = events.find((e) => e.bizStep.endsWith(':pan_firing'));
  const tinning = events.find((e) => stepKey(e) === 'tinning');
  const field = (e: LedgerEventView | undefined, name: string): string | undefined => {
    const d = e === undefined ? undefined : docOf(e);
    return d === undefined ? undefined : gongzhiField(d, name);
  };
  const offsetOf = (e: LedgerEventView): string | undefined => {
    const o = docOf(e)?.eventTimeZoneOffset;
    return typeof o === 'string' ? o : undefined;
  };
  const date = (e: LedgerEventView | undefined) =>
    e === undefined ? '—' : localTime(e.eventTime, offsetOf(e)).slice(0, 10);
  const root = v.trace.items.find((i) => i.key === v.key);
  const soldAt = root?.sold;
  const garden = v.trace.gardens[0];
  const scans = v.trace.scans;
  const row = (k: string, val: string) => `<div class="row"><span>${esc(k)}</span><b>${esc(val)}</b></div>`;
  const kg = (g: number) => `${(g / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 })} kg`;

  const sensorBlocks = events.flatMap((e) => {
    const d = docOf(e);
    const readings = d === undefined ? [] : sensorReadings(d);
    if (readings.length === 0) return [];
    const byType = new Map<string, number[]>();
    for (const r of readings) {
      const k = `${r.type}|${r.uom ?? ''}`;
      byType.set(k, [...(byType.get(k) ?? []), r.value]);
    }
    const lines = [...byType].map(([k, vals]) => {
      const [type, uom] = k.split('|') as [string, string];
      const label = SENSORS[type]?.[li] ?? type;
      const lo = Math.min(...vals);
      const hi = Math.max(...vals);
      const unit = UNITS[uom] ?? uom;
      return `<li>${esc(label)}: <b>${lo === hi ? lo : `${lo}–${hi}`} ${esc(unit)}</b></li>`;
    });
    const step = STEPS[stepKey(e)]?.[li] ?? stepKey(e);
    return [
      `<div class="sensor"><div class="muted">${esc(step)} · ${esc(date(e))}</div><ul>${lines.join('')}</ul></div>`,
    ];
  });

  const custody = events
    .map((e) => {
      const step = STEPS[stepKey(e)]?.[li] ?? stepKey(e);
      const loc =
        e.location === undefined
          ? ''
          : ` <span class="muted">${t.at} GLN ${esc(e.location.replace(/^414\//, ''))}</span>`;
      return `<li data-hash="${esc(e.hash)}"><div class="when">${esc(localTime(e.eventTime, offsetOf(e)))}</div>
<div><b>${esc(step)}</b> · ${esc(who(e.recorder))}${loc}</div>
<div class="muted hash">${t.hash} ${esc(e.hash.slice(0, 16))}… <span class="check" data-check="${esc(e.hash)}"></span></div></li>`;
    })
    .join('\n');

  const data = JSON.stringify({ trace: v.trace, documents: v.documents, lang }).replace(/</g, '\\u003c');
  const other: Lang = lang === 'zh' ? 'en' : 'zh';
  const title = v.product?.name ?? v.id.gtin;
  const messages = JSON.stringify({
    verified: t.verified('{n}'),
    mismatch: t.mismatch('{n}'),
    missing: t.missing('{n}'),
    nothing: t.nothing,
  }).replace(/</g, '\\u003c');

  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · ${t.title}</title>
<style>
  :root { --ok: #1b7f3b; --bad: #b3261e; --warn: #8a5a00; --fg: #1d1d1f; --muted: #6b6b70; --bg: #f5f5f2; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; color: var(--fg); background: var(--bg); }
  main { max-width: 480px; margin: 0 auto; padding: 12px; }
  header { display: flex; justify-content: space-between; align-items: baseline; }
  h1 { font-size: 1.25rem; margin: 8px 0; }
  h2 { font-size: 1rem; margin: 0 0 8px; }
  .card { background: #fff; border-radius: 12px; padding: 12px 14px; margin: 10px 0; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
  .row { display: flex; justify-content: space-between; gap: 12px; padding: 2px 0; }
  .row span { color: var(--muted); flex: none; max-width: 45%; }
  .row b { text-align: right; }
  .muted { color: var(--muted); font-size: .85rem; overflow-wrap: anywhere; }
  .badge { border-radius: 12px; padding: 12px 14px; font-weight: 600; }
  .badge[data-state="verifying"] { background: #eee; }
  .badge[data-state="ok"] { background: #e3f4e8; color: var(--ok); }
  .badge[data-state="mismatch"] { background: #fbe4e2; color: var(--bad); }
  .badge[data-state="partial"] { background: #fff4d6; color: var(--warn); }
  .flag { background: #fbe4e2; color: var(--bad); font-weight: 600; }
  ol { padding-left: 18px; margin: 0; }
  ol li { margin: 0 0 10px; }
  .when { font-variant-numeric: tabular-nums; font-size: .85rem; color: var(--muted); }
  .hash { font-family: ui-monospace, monospace; word-break: break-all; }
  .sensor ul { margin: 4px 0 8px; padding-left: 18px; }
  a { color: #0b57d0; }
</style>
</head>
<body>
<main>
<header><h1>${esc(title)}</h1><a id="lang" href="${esc(path)}?lang=${other}">${t.switchTo}</a></header>
<div id="badge" class="badge" data-state="verifying" role="status">${t.verifying}</div>
<p class="muted" id="checked">${t.checked}</p>
${scans.flagged ? `<div id="scans" class="card flag">${esc(t.flagged(scans.distinct))}</div>` : `<div id="scans" class="card muted">${esc(t.scans(scans.count, scans.distinct))}</div>`}
<section class="card"><h2>${t.product}</h2>
${row(t.gtin, v.id.gtin)}${v.id.lot === undefined ? '' : row(t.lot, v.id.lot)}${v.id.serial === undefined ? '' : row(t.serial, v.id.serial)}
${row(t.sold, soldAt === undefined ? t.notSold : `${localTime(soldAt.eventTime, '+08:00').slice(0, 10)} · ${who(soldAt.by)}`)}
</section>
${
  garden === undefined
    ? ''
    : `<section class="card" id="garden"><h2>${t.garden}</h2>
${row(t.garden, garden.name)}${row(t.region, garden.region)}
${row(t.area, `${garden.areaM2.toLocaleString('en-US')} m² (${(garden.areaM2 / 666.67).toFixed(1)} 亩)`)}
${row(t.capacity, kg(garden.capacityGrams))}
${garden.harvested.map((h) => row(`${t.harvested} ${h.season}`, kg(h.grams))).join('')}
</section>`
}
<section class="card" id="dates"><h2>${t.dates}</h2>
${field(origin, 'pruned') === undefined ? '' : row(t.pruned, field(origin, 'pruned') as string)}
${row(t.picked, field(origin, 'picked') ?? date(origin))}
${row(t.fired, field(firing, 'fired') ?? date(firing))}
${tinning === undefined ? '' : row(t.packed, date(tinning))}
</section>
<section class="card" id="roles"><h2>${t.roles}</h2>
${row(t.picker, field(origin, 'pickerRole') ?? '—')}
${row(t.processor, field(firing, 'processorRole') ?? '—')}
</section>
${sensorBlocks.length === 0 ? '' : `<section class="card" id="sensors"><h2>${t.sensors}</h2>${sensorBlocks.join('')}</section>`}
<section class="card" id="custody"><h2>${t.custody}</h2><ol>
${custody}
</ol></section>
<p class="muted"><a href="${esc(path)}?format=json">${t.json}</a> · GS1 Digital Link ${esc(v.link)}</p>
</main>
<script type="application/json" id="trace-data">${data}</script>
<script src="/v1/trace/verify.js"></script>
<script>
(async () => {
  const data = JSON.parse(document.getElementById('trace-data').textContent);
  const zh = data.lang === 'zh';
  const badge = document.getElementById('badge');
  const msg = ${messages};
  let ok = 0, bad = 0, missing = 0;
  for (const e of data.trace.events) {
    const mark = document.querySelector('[data-check="' + e.hash + '"]');
    const d = data.documents[e.hash];
    if (!d) { missing++; if (mark) mark.textContent = '?'; continue; }
    const h = await GongzhiEpcis.eventHash(d.event, undefined, d.ignore);
    if (h === e.hashUri) { ok++; if (mark) mark.textContent = '✓'; } else { bad++; if (mark) mark.textContent = '✗'; }
  }
  const n = (s, k) => s.replace('{n}', String(k));
  if (bad > 0) { badge.dataset.state = 'mismatch'; badge.textContent = n(msg.mismatch, bad); }
  else if (ok === 0) { badge.dataset.state = 'partial'; badge.textContent = missing > 0 ? n(msg.missing, missing) : msg.nothing; }
  else if (missing > 0) { badge.dataset.state = 'partial'; badge.textContent = n(msg.verified, ok) + ' ' + n(msg.missing, missing); }
  else { badge.dataset.state = 'ok'; badge.textContent = n(msg.verified, ok); }
  badge.dataset.checked = String(ok + bad);
  badge.dataset.lang = zh ? 'zh' : 'en';
})().catch((e) => { const b = document.getElementById('badge'); b.dataset.state = 'mismatch'; b.textContent = String(e); });
</script>
</body>
</html>
`;
}

/** The page for an identifier the ledger does not know (answered with 404). */
export function renderNotFoundPage(lang: Lang, what: string): string {
  const t = T[lang];
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${t.title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:480px;margin:0 auto;padding:12px}
.badge{border-radius:12px;padding:12px 14px;font-weight:600;background:#fbe4e2;color:#b3261e}</style></head>
<body><div id="badge" class="badge" data-state="not-found">${t.notFound}</div><p>${esc(what)}</p></body></html>
`;
}
