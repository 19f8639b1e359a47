/**
 * The Chinese hints (src/errors/hints-zh.ts) cover the one code table: every core and built-in
 * module code has one, in Chinese, and there is none for a code that does not exist; `hintFor`
 * gives them by language, `hintLangOf` picks the CLI's language, and the API's error body carries
 * both.
 */
import { describe, expect, it } from 'vitest';
import { errorBody } from '../../src/api/errors.js';
import { HINTS_ZH } from '../../src/errors/hints-zh.js';
import { errorTable, GongzhiError, hintFor, hintLangOf } from '../../src/errors/index.js';
import { BUILTIN_MODULES } from '../../src/modules/index.js';

const CJK = /[\u3400-\u9fff]/;

describe('the Chinese hint table', () => {
  it('has a Chinese hint for every code of the table, core and modules', () => {
    expect(BUILTIN_MODULES.length).toBeGreaterThan(5);
    // Only the codes this repository owns: a module loaded from elsewhere (the module guide's
    // noticeboard fixture, registered by another test file in the same worker) keeps its English hint.
    const owners = new Set(['core', ...BUILTIN_MODULES.map((m) => m.name)]);
    const rows = errorTable().filter((r) => owners.has(r.owner));
    expect(rows.length).toBeGreaterThan(250);
    const missing = rows.filter((r) => !CJK.test(HINTS_ZH[r.code] ?? '')).map((r) => r.code);
    expect(missing).toEqual([]);
    expect(rows.every((r) => r.hintZh === HINTS_ZH[r.code])).toBe(true);
  });

  it('names no code the table does not have', () => {
    const codes = new Set(errorTable().map((r) => r.code));
    expect(Object.keys(HINTS_ZH).filter((c) => !codes.has(c))).toEqual([]);
  });

  it('hintFor gives the hint in the language asked; English by default and for unknown codes', () => {
    expect(hintFor('TX_EXPIRED')).toBe('Rebuild the transaction with a later validUntil.');
    expect(hintFor('TX_EXPIRED', 'zh-CN')).toBe(HINTS_ZH.TX_EXPIRED);
    expect(hintFor('NOPE_NOT_A_CODE', 'zh-CN')).toBe('');
    const e = new GongzhiError('KEYSTORE_BAD_PASSWORD', 'wrong');
    expect(e.hintZh).toContain('密码');
    expect(e.toJSON()).toEqual({ code: e.code, message: 'wrong', details: {}, hint: e.hint });
  });

  it('the API error body carries the hint in both languages', () => {
    const { status, body } = errorBody(new GongzhiError('TX_NOT_FOUND', 'no such tx'));
    expect(status).toBe(404);
    expect(body.error.hint).toBe(hintFor('TX_NOT_FOUND'));
    expect(body.error.hintZh).toBe(HINTS_ZH.TX_NOT_FOUND);
  });

  it('the CLI language: GONGZHI_LANG first, then a Chinese locale, else English', () => {
    expect(hintLangOf({})).toBe('en');
    expect(hintLangOf({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(hintLangOf({ LANG: 'en_US.UTF-8', LC_ALL: 'zh_TW.UTF-8' })).toBe('zh-CN');
    expect(hintLangOf({ LANG: 'zh_CN.UTF-8', GONGZHI_LANG: 'en' })).toBe('en');
    expect(hintLangOf({ LANG: 'C', GONGZHI_LANG: 'zh-CN' })).toBe('zh-CN');
    expect(hintLangOf({ GONGZHI_LANG: ' ', LANG: 'de_DE' })).toBe('en');
  });
});
