import { describe, expect, it } from 'vitest';
import { maskAddress, maskIdNumber } from '../kit/personal-data';
import { redactForPublication } from '../kit/publication';
import { MAX_AMOUNT, MAX_QUANTITY, requireAmount, requireQuantity } from '../kit/rules';
import { residentId } from '../scripts/demo-data';

// Pure: what a masked address, a published text and a bounded amount look like. No hub.

describe('maskAddress: down to the administrative district, never the street', () => {
  it.each([
    ['江苏省连云港市海州区朝阳路18号', '江苏省连云港市海州区'],
    // 小区 is a housing estate, not a district: the city is as far as it goes.
    ['江苏省连云港市新浦路88号金港小区', '江苏省连云港市'],
    ['江苏省连云港市金港小区3栋201室', '江苏省连云港市'],
    ['江苏省连云港市朝阳社区12号', '江苏省连云港市'],
    ['江苏省连云港市经济技术开发区花果山大道1号', '江苏省连云港市'],
    ['江苏省苏州市工业园区星湖街328号', '江苏省苏州市'],
    ['江苏省苏州市姑苏区人民路1号', '江苏省苏州市姑苏区'],
    ['河南省南阳市宛城区仲景路5号', '河南省南阳市宛城区'],
    ['江苏省无锡市江阴市澄江街道人民路2号', '江苏省无锡市江阴市'],
    ['江苏省连云港市东海县牛山街道和平路9号', '江苏省连云港市东海县'],
    ['内蒙古自治区锡林郭勒盟正蓝旗上都镇', '内蒙古自治区锡林郭勒盟正蓝旗'],
    ['吉林省延边朝鲜族自治州延吉市光明街1号', '吉林省延边朝鲜族自治州延吉市'],
    ['北京市朝阳区建国路88号', '北京市朝阳区'],
    ['连云港市海州区朝阳路18号', '连云港市海州区'],
    ['上海市浦东新区世纪大道100号', '上海市浦东新区'],
    ['山东省济南市市中区经十路1号', '山东省济南市市中区'],
    // No city part: the province only; nothing recognisable: nothing.
    ['江苏省某某路18号', '江苏省'],
    ['朝阳路18号金港小区', ''],
  ])('%s → %s', (address, masked) => {
    expect(maskAddress(address)).toBe(masked);
  });

  it('never shows a house number or an estate, whatever the address', () => {
    for (const address of ['江苏省连云港市新浦路88号金港小区', '江苏省连云港市海州区朝阳路18号', '广东省深圳市南山区科技园8栋']) {
      expect(maskAddress(address)).not.toMatch(/\d|小区|路|栋/);
    }
  });
});

describe('maskIdNumber hides the birth date', () => {
  it('keeps the region prefix and the last four', () => {
    const id = residentId('411302', '19900101', 456);
    expect(maskIdNumber(id)).toBe(`411302********${id.slice(14)}`);
  });
});

describe('redactForPublication: ID and phone numbers in any spelling', () => {
  const id = residentId('320706', '19850312', 123);
  const spaced = `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`;
  const dashed = `${id.slice(0, 6)}-${id.slice(6, 14)}-${id.slice(14)}`;
  const fullWidth = [...id].map((c) => (/\d/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');
  it.each([
    ['plain ID number', `当事人身份证号${id}，经营劣质电线`],
    ['ID number with spaces', `当事人身份证号 ${spaced}，经营劣质电线`],
    ['ID number with dashes', `当事人身份证号${dashed}，经营劣质电线`],
    ['full-width ID number', `当事人身份证号${fullWidth}，经营劣质电线`],
    ['mobile with spaces', '联系电话 138 1234 5678，经营劣质电线'],
    ['mobile with dashes', '联系电话138-1234-5678，经营劣质电线'],
    ['mobile with +86', '联系电话+86 13812345678，经营劣质电线'],
    ['mobile with +86 and dashes', '联系电话+86-138-1234-5678，经营劣质电线'],
    ['full-width mobile', '联系电话１３８１２３４５６７８，经营劣质电线'],
    ['landline with area code in brackets', '联系电话(0518) 8555 1234，经营劣质电线'],
    ['bank card in groups of four', '账户 6222 0212 3456 7890 123，经营劣质电线'],
  ])('hides a %s', (_label, text) => {
    const published = redactForPublication(text)!;
    expect(published).toContain('〔已隐去〕');
    expect(published.normalize('NFKC').replace(/[\s+\-()]/g, '')).not.toMatch(/\d{7,}/);
    // The rest of the text is kept as written.
    expect(published).toMatch(/，经营劣质电线$/);
  });

  it('keeps what is not a number of a person: case numbers, dates, amounts, full-width brackets', () => {
    const text = '海市监处罚〔2026〕888号：2026-09-15 罚款 30000 元（依据《产品质量法》第五十条）';
    expect(redactForPublication(text)).toBe(text);
  });
});

describe('amounts and quantities are finite and bounded', () => {
  it.each([
    [1e308, 'max'], [MAX_AMOUNT * 10, 'max'], [Number.POSITIVE_INFINITY, 'nonNegative'], [-1, 'nonNegative'],
  ])('refuses an amount of %s (rule %s), naming the field', (value, rule) => {
    expect(() => requireAmount('input.amountInvolved', value)).toThrowError(expect.objectContaining({
      extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.amountInvolved', rule }),
    }));
  });
  it('accepts amounts up to the bound, and null', () => {
    expect(requireAmount('input.fineAmount', MAX_AMOUNT)).toBe(MAX_AMOUNT);
    expect(requireAmount('input.fineAmount', 0)).toBe(0);
    expect(requireAmount('input.fineAmount', null)).toBeNull();
  });
  it('bounds quantities too', () => {
    expect(() => requireQuantity('input.hazardousWasteTonnes', 1e308)).toThrowError(expect.objectContaining({
      extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.hazardousWasteTonnes', rule: 'max' }),
    }));
    expect(requireQuantity('input.hazardousWasteTonnes', MAX_QUANTITY)).toBe(MAX_QUANTITY);
    expect(requireQuantity('input.hazardousWasteTonnes', 3.5)).toBe(3.5);
  });
});
