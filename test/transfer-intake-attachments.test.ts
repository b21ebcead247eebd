// 国务院令第310号 第六条: the five attachments of a transfer, declared one by one (pure rules, no hub).
import { describe, expect, it } from 'vitest';
import { Violations } from '../kit/rules';
import { ATTACHMENT_KINDS, mergeAttachments, missingKinds, readAttachments, type AttachmentInput, type AttachmentKind } from '../subgraphs/public-security/intake/attachments';

const complete: AttachmentInput[] = [
  { kind: 'TRANSFER_LETTER', title: '涉嫌犯罪案件移送书 海市监移〔2026〕3号' },
  { kind: 'INVESTIGATION_REPORT', title: '关于张伟销售伪劣产品案的调查报告' },
  { kind: 'SEIZED_ITEMS_LIST', absentReason: '未查扣涉案物品' },
  { kind: 'INSPECTION_REPORT', title: '江苏省产品质量监督检验研究院检验报告' },
  { kind: 'OTHER_MATERIALS', absentReason: '无' },
];

function read(input: AttachmentInput[], required: readonly AttachmentKind[] = ATTACHMENT_KINDS) {
  const violations = new Violations();
  const attachments = readAttachments(violations, 'input.attachments', input, required);
  return { attachments, violations: violations.errors.map((e) => ({ field: e.extensions.field, rule: e.extensions.rule })) };
}

describe('the attachments of 第六条', () => {
  it('accepts all five, provided or absent where the law allows (no items seized, nothing inspected, no other materials)', () => {
    const { attachments, violations } = read(complete);
    expect(violations).toEqual([]);
    expect(attachments.map((a) => a.kind)).toEqual([...ATTACHMENT_KINDS]);
    expect(missingKinds(attachments)).toEqual([]);
  });

  it('names every missing kind at once, each as its own field', () => {
    const { violations } = read([complete[0], complete[3]]);
    expect(violations).toEqual([
      { field: 'input.attachments.INVESTIGATION_REPORT', rule: 'requiredAttachment' },
      { field: 'input.attachments.SEIZED_ITEMS_LIST', rule: 'requiredAttachment' },
      { field: 'input.attachments.OTHER_MATERIALS', rule: 'requiredAttachment' },
    ]);
  });

  it('never lets the transfer letter or the investigation report be absent, and wants a title or a reason, not both, each kind once', () => {
    const { violations } = read([
      { kind: 'TRANSFER_LETTER', absentReason: '稍后补送' },
      { kind: 'INVESTIGATION_REPORT', title: '调查报告', absentReason: '无' },
      { kind: 'SEIZED_ITEMS_LIST', title: '  ' },
      { kind: 'INSPECTION_REPORT', title: '检验报告' },
      { kind: 'INSPECTION_REPORT', title: '鉴定结论' },
      { kind: 'OTHER_MATERIALS', absentReason: '无' },
    ]);
    expect(violations).toEqual([
      { field: 'input.attachments.0.absentReason', rule: 'notAbsentable' },
      { field: 'input.attachments.1', rule: 'titleOrAbsentReason' },
      { field: 'input.attachments.2.title', rule: 'required' },
      { field: 'input.attachments.4.kind', rule: 'unique' },
    ]);
  });

  it('completes a transfer by kind, in the order of the article', () => {
    const { attachments: first } = read([complete[1], complete[0]], []);
    const { attachments: later } = read([{ kind: 'INSPECTION_REPORT', title: '鉴定意见书' }, { kind: 'TRANSFER_LETTER', title: '移送书（更正）' }], []);
    const merged = mergeAttachments(first, later);
    expect(merged.map((a) => [a.kind, a.title])).toEqual([
      ['TRANSFER_LETTER', '移送书（更正）'], ['INVESTIGATION_REPORT', '关于张伟销售伪劣产品案的调查报告'], ['INSPECTION_REPORT', '鉴定意见书'],
    ]);
    expect(missingKinds(merged)).toEqual(['SEIZED_ITEMS_LIST', 'OTHER_MATERIALS']);
  });
});
