import { defineFlow } from '../../kit/flow';
import { isRegionCode } from '../../kit/rules';

// Collaboration between the owners (协作), one mechanism for four kinds of matter. Each kind is a
// row of data below: who may open it (the scope's action in resources/collaboration-matter.ts),
// which kind of unit may receive it, how its answer is due, and what an answer may conclude.
//
// - 案件咨询 (CONSULTATION): a bureau asks public security or the procuratorate about a case that is
//   complex or hard to qualify; the written answer is due in 7 days (中办发〔2011〕8号
//   《关于加强行政执法与刑事司法衔接工作的意见》; Nanyang 2015 案件咨询), schema/deadlines.json
//   consultationAnswer.
// - 提前介入 (EARLY_INTERVENTION): a request that public security or the procuratorate intervene
//   early (商请提前介入, same opinion of 2011), accepted or declined, with reasons either way; the law
//   sets no period, the requester may set one.
// - 线索 (CLUE): a clue handed from one unit to another (移交犯罪线索, 线索协查: Nanyang 2015; 线索
//   接受反馈: Haizhou 2017), answered with feedback on what was done.
// - 交办 / 督办 (ASSIGNMENT): a matter the justice bureau or the procuratorate assigns to a bureau of
//   its region with a deadline (Haizhou 2017: 领导交办的事项); the bureau reports back; past the
//   deadline the assigner urges (督办), each reminder noticed to the bureau.

export const COLLABORATION_KINDS = ['CONSULTATION', 'EARLY_INTERVENTION', 'CLUE', 'ASSIGNMENT'] as const;
export type CollaborationKind = (typeof COLLABORATION_KINDS)[number];

/** The kinds of unit of the supervision system a matter may be addressed to. */
export type UnitKind = 'BUREAU' | 'PUBLIC_SECURITY' | 'PROCURATORATE' | 'JUSTICE';

export type CollaborationStatus = 'OPEN' | 'ANSWERED' | 'ACCEPTED' | 'DECLINED';

export interface KindSpec {
  /** 中文名, for titles of inbox notices. */
  label: string;
  /** The row-rule action that opens it: `request` (any unit, from its own unit) or `assign` (a supervisor, within its region). */
  openedBy: 'request' | 'assign';
  /** The units that may receive it. */
  addressees: readonly UnitKind[];
  /** `law`: due by schema/deadlines.json (the requester sets nothing); `required`/`optional`: set by the requester. */
  due: { law: 'consultationAnswer' } | 'required' | 'optional';
  /** What an answer may conclude. */
  outcomes: readonly CollaborationStatus[];
}

export const KIND_SPECS: Record<CollaborationKind, KindSpec> = {
  CONSULTATION: { label: '案件咨询', openedBy: 'request', addressees: ['PUBLIC_SECURITY', 'PROCURATORATE'], due: { law: 'consultationAnswer' }, outcomes: ['ANSWERED'] },
  EARLY_INTERVENTION: { label: '提前介入', openedBy: 'request', addressees: ['PUBLIC_SECURITY', 'PROCURATORATE'], due: 'optional', outcomes: ['ACCEPTED', 'DECLINED'] },
  CLUE: { label: '线索移交', openedBy: 'request', addressees: ['BUREAU', 'PUBLIC_SECURITY', 'PROCURATORATE', 'JUSTICE'], due: 'optional', outcomes: ['ANSWERED'] },
  ASSIGNMENT: { label: '交办', openedBy: 'assign', addressees: ['BUREAU'], due: 'required', outcomes: ['ANSWERED'] },
};

/**
 * The units other than bureaus are named by kind and region (PSB-320706 公安分局, PROC-320706
 * 检察院, JUS-320706 司法局), as in their tokens' org claim; bureaus are entries of the directory.
 */
const UNIT_PREFIXES: Record<string, UnitKind> = { PSB: 'PUBLIC_SECURITY', PROC: 'PROCURATORATE', JUS: 'JUSTICE' };

/** The kind and region of a non-bureau unit code, or null (then the directory is asked). */
export function systemUnit(code: string): { kind: UnitKind; region: string } | null {
  const match = /^([A-Z]+)-(\d{6})$/.exec(code);
  if (!match || !UNIT_PREFIXES[match[1]] || !isRegionCode(match[2])) return null;
  return { kind: UNIT_PREFIXES[match[1]], region: match[2] };
}

/**
 * The matter's flow: opened, then answered once (an answer, feedback or report back, or for
 * 提前介入 accepted or declined); while open and past due the requester may urge it (督办).
 */
export const collaborationFlow = defineFlow<CollaborationStatus, 'open' | 'answer' | 'urge'>({
  noun: 'matter',
  title: 'A collaboration matter (案件咨询, 提前介入, 线索, 交办/督办), at the justice platform',
  states: { OPEN: '待答复', ANSWERED: '已答复/已反馈', ACCEPTED: '同意介入', DECLINED: '不予介入' },
  steps: {
    open: { from: [], to: ['OPEN'], by: 'requestCollaboration' },
    answer: { from: ['OPEN'], to: ['ANSWERED', 'ACCEPTED', 'DECLINED'], by: 'answerCollaboration' },
    urge: { from: ['OPEN'], to: ['OPEN'], by: 'urgeCollaboration' },
  },
});
