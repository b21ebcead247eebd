import { Violations, requireText } from '../../../kit/rules';

// 国务院令第310号 第六条 (2020年修订): 行政执法机关向公安机关移送涉嫌犯罪案件，应当附有下列材料：
// (一) 涉嫌犯罪案件移送书; (二) 涉嫌犯罪案件情况的调查报告; (三) 涉案物品清单; (四) 有关检验报告
// 或者鉴定结论; (五) 其他有关涉嫌犯罪的材料. A transfer declares each of the five: provided (with
// its title) or, where the law allows it, absent with a reason. The letter and the report are the
// transfer itself and can never be absent; the list of items can be when nothing was seized
// (no 涉案物品), the inspection report when nothing was inspected or appraised (the article asks
// for the *relevant* reports: 有关), the other materials when there are none.

export const ATTACHMENT_KINDS = ['TRANSFER_LETTER', 'INVESTIGATION_REPORT', 'SEIZED_ITEMS_LIST', 'INSPECTION_REPORT', 'OTHER_MATERIALS'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** The Chinese names of 第六条, in its order. */
export const ATTACHMENT_NAMES: Record<AttachmentKind, string> = {
  TRANSFER_LETTER: '涉嫌犯罪案件移送书',
  INVESTIGATION_REPORT: '涉嫌犯罪案件情况的调查报告',
  SEIZED_ITEMS_LIST: '涉案物品清单',
  INSPECTION_REPORT: '有关检验报告或者鉴定结论',
  OTHER_MATERIALS: '其他有关涉嫌犯罪的材料',
};

/** The kinds that may be declared absent, with why the law allows it. */
export const MAY_BE_ABSENT: Partial<Record<AttachmentKind, string>> = {
  SEIZED_ITEMS_LIST: 'no items were seized (无涉案物品)',
  INSPECTION_REPORT: 'nothing needed inspection or appraisal (无需检验、鉴定)',
  OTHER_MATERIALS: 'there are no other materials',
};

/** One of the five as the transfer holds it: provided (title) or declared absent (absentReason). */
export interface Attachment { kind: AttachmentKind; title: string | null; absentReason: string | null }

export interface AttachmentInput { kind: AttachmentKind; title?: string | null; absentReason?: string | null }

const MAX_TITLE = 500;
const MAX_REASON = 1000;

/**
 * Reads the declared attachments at `field`: each kind at most once, each either provided or
 * (where allowed) absent with a reason; every kind of `required` must be declared. Every broken
 * rule is collected in `violations` (all at once); what is valid is returned.
 */
export function readAttachments(violations: Violations, field: string, input: readonly AttachmentInput[], required: readonly AttachmentKind[]): Attachment[] {
  const seen = new Set<AttachmentKind>();
  const read: Attachment[] = [];
  input.forEach((item, i) => {
    const at = `${field}.${i}`;
    if (seen.has(item.kind)) { violations.add(`${at}.kind`, 'unique', `${item.kind} (${ATTACHMENT_NAMES[item.kind]}) is declared twice`); return; }
    seen.add(item.kind);
    const title = violations.check(() => optional(`${at}.title`, item.title, MAX_TITLE), null);
    const absentReason = violations.check(() => optional(`${at}.absentReason`, item.absentReason, MAX_REASON), null);
    if (title && absentReason) {
      violations.add(at, 'titleOrAbsentReason', `${ATTACHMENT_NAMES[item.kind]}: either provided (title) or absent (absentReason), not both`);
    } else if (!title && !absentReason) {
      violations.add(`${at}.title`, 'required', `${ATTACHMENT_NAMES[item.kind]}: give its title, or why it is absent where the law allows it`);
    } else if (absentReason && !MAY_BE_ABSENT[item.kind]) {
      violations.add(`${at}.absentReason`, 'notAbsentable', `${ATTACHMENT_NAMES[item.kind]} is required by 国务院令第310号 第六条 and cannot be absent`);
    } else {
      read.push({ kind: item.kind, title, absentReason });
    }
  });
  for (const kind of required) {
    if (!seen.has(kind)) violations.add(`${field}.${kind}`, 'requiredAttachment', `${ATTACHMENT_NAMES[kind]} (国务院令第310号 第六条) is missing: provide it, or declare it absent with a reason where the law allows`);
  }
  return read;
}

function optional(field: string, value: unknown, max: number): string | null {
  if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) return null;
  return requireText(field, value, max);
}

/** The kinds of 第六条 that `attachments` does not declare, in the article's order. */
export function missingKinds(attachments: readonly Attachment[]): AttachmentKind[] {
  const declared = new Set(attachments.map((a) => a.kind));
  return ATTACHMENT_KINDS.filter((k) => !declared.has(k));
}

/** `current` with `added` replacing the items of the same kind, in the article's order. */
export function mergeAttachments(current: readonly Attachment[], added: readonly Attachment[]): Attachment[] {
  const byKind = new Map(current.map((a) => [a.kind, a]));
  for (const a of added) byKind.set(a.kind, a);
  return ATTACHMENT_KINDS.flatMap((k) => (byKind.has(k) ? [byKind.get(k)!] : []));
}
